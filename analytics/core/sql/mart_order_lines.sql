-- mart_order_lines: purchases net of the refunds of those purchases, per (order, product group).
-- A purchase without an order id is its own order. A refund is matched to its purchase by order
-- id and product; refunds whose purchase is not in the data get rows of their own (is_order false).
with
    events as (
        select event_time, event_type, user_id, session_id, product_id, quantity, price, currency,
            order_id, traffic_source, device
        from events
        where event_type in ('purchase', 'refund')
    ),
    users as (select * from mart_users),
    products as (select * from mart_products),
    purchase_events as (
        select *,
            coalesce(order_id, 'event:' || coalesce(session_id, '') || ':' || coalesce(product_id, '')
                || ':' || cast(event_time as varchar)) as order_ref,
            coalesce(price, 0) * coalesce(quantity, 1) as amount
        from events
        where event_type = 'purchase'
    ),
    orders as (
        -- one key and one day per order, whatever the times of its lines; keys in order of time
        -- and reference, so every engine and every rerun numbers the same data the same way
        select order_ref, min(event_time) as ordered_at,
            cast(row_number() over (order by min(event_time), order_ref) as integer) as order_key
        from purchase_events
        group by order_ref
    ),
    purchase_lines as (
        select order_ref, product_id,
            any_value(user_id) as user_id,
            any_value(currency) as currency,
            any_value(traffic_source) as traffic_source,
            any_value(device) as device,
            sum(coalesce(quantity, 1)) as count_items,
            sum(amount) as revenue_gross
        from purchase_events
        group by order_ref, product_id
    ),
    refunds as (
        select order_id, product_id,
            min(event_time) as refunded_at,
            any_value(user_id) as user_id,
            any_value(currency) as currency,
            any_value(traffic_source) as traffic_source,
            any_value(device) as device,
            sum(coalesce(price, 0) * coalesce(quantity, 1)) as revenue_refunded
        from events
        where event_type = 'refund'
        group by order_id, product_id
    ),
    matched as (
        select o.ordered_at as dated_at, o.order_key, l.user_id, l.currency, l.product_id, l.traffic_source,
            l.device, true as is_order, l.count_items, l.revenue_gross,
            coalesce(r.revenue_refunded, 0) as revenue_refunded
        from purchase_lines l
        join orders o on o.order_ref = l.order_ref
        left join refunds r on r.order_id = l.order_ref and r.product_id is not distinct from l.product_id
    ),
    unmatched_refunds as (
        select r.refunded_at as dated_at,
            cast((select count(*) from orders)
                + row_number() over (order by r.refunded_at, r.order_id, r.product_id) as integer) as order_key,
            r.user_id, r.currency, r.product_id, r.traffic_source, r.device, false as is_order,
            0 as count_items, 0.0 as revenue_gross, r.revenue_refunded
        from refunds r
        where not exists (
            select 1 from purchase_lines l
            where l.order_ref = r.order_id and l.product_id is not distinct from r.product_id
        )
    ),
    lines as (
        select * from matched
        union all
        select * from unmatched_refunds
    ),
    final as (
        select
            cast(l.dated_at as date) as day,
            l.order_key,
            u.user_key,
            coalesce(l.currency, '(none)') as currency,
            coalesce(g.category, '(none)') as category,
            coalesce(g.brand, '(none)') as brand,
            coalesce(g.price_band, '(none)') as price_band,
            coalesce(l.traffic_source, '(none)') as traffic_source,
            coalesce(l.device, '(none)') as device,
            l.is_order,
            cast(sum(l.count_items) as integer) as count_items,
            sum(l.revenue_gross) as revenue_gross,
            sum(l.revenue_refunded) as revenue_refunded
        from lines l
        left join users u on u.user_id = l.user_id
        left join products g on g.product_id = l.product_id
        group by all
    )
select * from final
order by day, order_key
