-- Olist orders with their facts: status, delivery times, item and freight value, payments (BRL).
with
    orders as (select * from ingest_olist_orders_typed),
    items as (
        select trim(order_id) as order_id, cast(trim(price) as double) as price,
            cast(nullif(trim(freight_value), '') as double) as freight
        from raw_olist_items
    ),
    payments as (
        select trim(order_id) as order_id, cast(trim(payment_value) as double) as payment_value,
            nullif(trim(payment_type), '') as payment_type
        from raw_olist_payments
    ),
    item_totals as (
        select order_id, round(sum(price), 2) as items_value, round(sum(freight), 2) as freight_value
        from items group by order_id
    ),
    payment_totals as (
        select order_id, round(sum(payment_value), 2) as payment_value,
            string_agg(distinct payment_type, ',' order by payment_type) as payment_types
        from payments group by order_id
    ),
    final as (
        select
            orders.*,
            item_totals.items_value,
            item_totals.freight_value,
            payment_totals.payment_value,
            payment_totals.payment_types,
            'BRL' as currency
        from orders
        left join item_totals using (order_id)
        left join payment_totals using (order_id)
    )
select * from final
