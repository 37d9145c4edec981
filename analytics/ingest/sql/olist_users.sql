-- Olist people (customer_unique_id), first seen at their first order, in Brazil.
with
    orders as (select * from ingest_olist_orders_typed),
    final as (
        select user_id, min(ordered_at) as first_seen, 'BR' as country
        from orders
        group by user_id
    )
select * from final
