-- Traffic KPIs for the selected period and the one just before it (same length), from the
-- session-steps mart. $prev_start is the previous period's first day; it ends at $start.
with
    steps as (select * from mart_session_steps),
    filtered as (
        select *, case when day >= cast($start as date) then 'current' else 'previous' end as period
        from steps
        where day >= cast($prev_start as date) and day < cast($end as date)
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
    ),
    sessions as (
        -- a session's flags over the products that pass the filters
        select period, session_key, any_value(user_key) as user_key,
            bool_or(has_cart) as has_cart, bool_or(has_purchase) as has_purchase
        from filtered
        group by period, session_key
    ),
    final as (
        select period,
            count(distinct user_key) as visitors,
            count(*) as sessions,
            count(distinct user_key) filter (where has_purchase) as purchasers,
            count(*) filter (where has_purchase) as purchasing_sessions,
            count(*) filter (where has_cart) as carting_sessions,
            count(*) filter (where has_cart and has_purchase) as carting_purchasing_sessions
        from sessions
        group by period
    )
select * from final
order by period
