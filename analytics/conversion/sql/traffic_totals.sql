-- Traffic KPIs for the selected period and the one just before it (same length). $prev_start is
-- the previous period's first day; it ends at $start. Sessions come from the filtered_sessions
-- macro (analytics/core/migrations/050_query_rules.sql): without a category or brand filter the
-- one-row-per-session mart as it is; otherwise the per-product-group mart, rolled up to sessions
-- here first. Counts are built per user and then summed (faster than distinct counts).
with
    whole_catalog as (select $categories is null and $brands is null as yes),
    filtered as (
        select *, day >= cast($start as date) as is_current
        from filtered_sessions(
            $prev_start, $end, $categories, $brands, $traffic_sources, $devices, (select yes from whole_catalog)
        )
    ),
    sessions as (
        select is_current, session_key, user_key, has_cart, has_purchase
        from filtered
        where (select yes from whole_catalog)
        union all
        -- a session's flags over the products that pass the filters
        select is_current, session_key, any_value(user_key), bool_or(has_cart), bool_or(has_purchase)
        from filtered
        where not (select yes from whole_catalog)
        group by is_current, session_key
    ),
    users as (
        select is_current, user_key,
            bool_or(has_purchase) as has_purchase,
            count(*) as sessions,
            count(*) filter (where has_purchase) as purchasing_sessions,
            count(*) filter (where has_cart) as carting_sessions,
            count(*) filter (where has_cart and has_purchase) as carting_purchasing_sessions
        from sessions
        group by is_current, user_key
    ),
    final as (
        select
            case when is_current then 'current' else 'previous' end as period,
            count(*) as visitors,
            sum(sessions) as sessions,
            count(*) filter (where has_purchase) as purchasers,
            sum(purchasing_sessions) as purchasing_sessions,
            sum(carting_sessions) as carting_sessions,
            sum(carting_purchasing_sessions) as carting_purchasing_sessions
        from users
        group by is_current
    )
select * from final
order by period
