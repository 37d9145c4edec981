-- Sales KPIs per currency (and one row with currency null for all currencies, where only the
-- user and order counts are meaningful) for the selected period and the one before it.
with
    order_lines as (select * from mart_order_lines),
    filtered as (
        select *, case when day >= cast($start as date) then 'current' else 'previous' end as period
        from order_lines
        where day >= cast($prev_start as date) and day < cast($end as date)
            and matches_filters(category, brand, traffic_source, device, $categories, $brands, $traffic_sources, $devices)
    ),
    orders as (
        select period, currency, user_key, order_key,
            bool_or(is_order) as is_order,
            sum(revenue_gross - revenue_refunded) as revenue
        from filtered
        group by period, currency, user_key, order_key
    ),
    per_user as (
        select period, currency, user_key,
            count(*) filter (where is_order) as count_orders,
            sum(revenue) as revenue
        from orders
        group by grouping sets ((period, currency, user_key), (period, user_key))
    ),
    final as (
        select period, currency,
            sum(count_orders) as orders,
            case when currency is not null then sum(revenue) end as revenue,
            count(*) filter (where user_key is not null and count_orders > 0) as purchasers,
            count(*) filter (where user_key is not null and count_orders >= 2) as repeat_purchasers
        from per_user
        group by period, currency
    )
select * from final
order by period, currency nulls first
