-- Traffic per bucket of $bucket_days days (1: daily, 7: weekly) for the selected period and the
-- one before it; bucket 0 starts on each period's first day, so the two periods line up.
-- Read like traffic_totals.sql (filtered_sessions): the per-session mart unless a category or brand
-- filter is set.
with
    whole_catalog as (select $categories is null and $brands is null as yes),
    filtered as (
        select *,
            day >= cast($start as date) as is_current,
            cast(floor(date_diff(
                'day', case when day >= cast($start as date) then cast($start as date) else cast($prev_start as date) end,
                day) / $bucket_days) as integer) as bucket
        from filtered_sessions(
            $prev_start, $end, $categories, $brands, $traffic_sources, $devices, (select yes from whole_catalog)
        )
    ),
    sessions as (
        select is_current, bucket, session_key, user_key, has_cart, has_purchase
        from filtered
        where (select yes from whole_catalog)
        union all
        select is_current, bucket, session_key, any_value(user_key), bool_or(has_cart), bool_or(has_purchase)
        from filtered
        where not (select yes from whole_catalog)
        group by is_current, bucket, session_key
    ),
    users as (
        select is_current, bucket, user_key,
            bool_or(has_purchase) as has_purchase,
            count(*) as sessions,
            count(*) filter (where has_purchase) as purchasing_sessions,
            count(*) filter (where has_cart) as carting_sessions,
            count(*) filter (where has_cart and has_purchase) as carting_purchasing_sessions
        from sessions
        group by is_current, bucket, user_key
    ),
    final as (
        select
            case when is_current then 'current' else 'previous' end as period,
            bucket,
            count(*) as visitors,
            sum(sessions) as sessions,
            count(*) filter (where has_purchase) as purchasers,
            sum(purchasing_sessions) as purchasing_sessions,
            sum(carting_sessions) as carting_sessions,
            sum(carting_purchasing_sessions) as carting_purchasing_sessions
        from users
        group by is_current, bucket
    )
select * from final
order by period, bucket
