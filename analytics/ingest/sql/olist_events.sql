-- Olist order items -> purchase events (BRL): one event per order, product and unit price, with
-- the number of item rows as quantity. Canceled and unavailable orders that had items were bought
-- and then refunded: a refund event mirrors each purchase, dated at the order's last known time
-- (Olist records no cancellation time).
with
    orders as (select * from ingest_olist_orders_typed),
    items as (
        select trim(order_id) as order_id, trim(product_id) as product_id, cast(trim(price) as double) as price
        from raw_olist_items
    ),
    per_product as (
        select order_id, product_id, price, count(*) as quantity from items group by order_id, product_id, price
    ),
    bought as (select per_product.*, orders.* exclude (order_id) from per_product join orders using (order_id)),
    purchases as (
        select ordered_at as event_time, 'purchase' as event_type, user_id, product_id, quantity, price, order_id
        from bought
    ),
    refunds as (
        select greatest(ordered_at, approved_at, shipped_at, delivered_at) as event_time, 'refund' as event_type,
            user_id, product_id, quantity, price, order_id
        from bought
        where status in ('canceled', 'unavailable')
    ),
    final as (
        select *, 'BRL' as currency from (select * from purchases union all select * from refunds)
    )
select * from final
