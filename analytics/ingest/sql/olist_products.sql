-- Olist products: the category in English (Olist's translation file; the Portuguese name where
-- it has no translation) and the median unit price paid (Olist has no list price, title or brand).
with
    products as (
        select trim(product_id) as product_id, nullif(trim(product_category_name), '') as category_pt
        from raw_olist_products
    ),
    translation as (
        select trim(product_category_name) as category_pt, nullif(trim(product_category_name_english), '') as category_en
        from raw_olist_translation
    ),
    items as (select trim(product_id) as product_id, cast(trim(price) as double) as price from raw_olist_items),
    prices as (select product_id, round(median(price), 2) as price from items group by product_id),
    final as (
        select products.product_id, coalesce(translation.category_en, products.category_pt) as category, prices.price
        from products
        left join translation using (category_pt)
        left join prices using (product_id)
    )
select * from final
