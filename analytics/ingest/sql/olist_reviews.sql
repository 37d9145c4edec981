-- Olist reviews (Portuguese): one row per review id. A review id repeated for several orders
-- keeps the earliest order here (all links go to review_orders). The product is set when the
-- order holds one product; reviews are per order, so a multi-product order's review has none.
with
    reviews as (
        select
            trim(review_id) as review_id,
            trim(order_id) as order_id,
            cast(trim(review_score) as integer) as rating,
            nullif(trim(review_comment_title, E' \t\r\n'), '') as title,
            nullif(trim(review_comment_message, E' \t\r\n'), '') as text,
            try_strptime(trim(review_creation_date), $time_formats) as created_local
        from raw_olist_reviews
    ),
    orders as (select order_id, user_id, ordered_at from ingest_olist_orders_typed),
    order_products as (
        select trim(order_id) as order_id, min(trim(product_id)) as product_id,
            count(distinct trim(product_id)) as count_products
        from raw_olist_items group by 1
    ),
    linked as (
        select reviews.*, orders.user_id, orders.ordered_at,
            case when order_products.count_products = 1 then order_products.product_id end as product_id
        from reviews
        join orders using (order_id)
        left join order_products using (order_id)
    ),
    final as (
        select review_id, user_id, product_id, order_id, rating, title, text,
            timezone('UTC', timezone('America/Sao_Paulo', created_local)) as created_at, 'pt' as language
        from linked
        qualify row_number() over (partition by review_id order by ordered_at, order_id) = 1
    )
select * from final
