-- Traffic per bucket of $bucket_days days (1: daily, 7: weekly) for the selected period and the
-- one before it; bucket 0 starts on each period's first day, so the two periods line up.
with
    steps as (select * from mart_session_steps),
    filtered as (
        select *,
            case when day >= cast($start as date) then 'current' else 'previous' end as period,
            case when day >= cast($start as date) then cast($start as date) else cast($prev_start as date) end
                as period_start
        from steps
        where day >= cast($prev_start as date) and day < cast($end as date)
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
    ),
    bucketed as (
        select *, cast(floor(date_diff('day', period_start, day) / $bucket_days) as integer) as bucket
        from filtered
    ),
    sessions as (
        select period, bucket, any_value(period_start) as period_start, session_key,
            any_value(user_key) as user_key, bool_or(has_cart) as has_cart, bool_or(has_purchase) as has_purchase
        from bucketed
        group by period, bucket, session_key
    ),
    final as (
        select period, bucket,
            cast(any_value(period_start) + bucket * $bucket_days as date) as bucket_start,
            count(distinct user_key) as visitors,
            count(*) as sessions,
            count(distinct user_key) filter (where has_purchase) as purchasers,
            count(*) filter (where has_purchase) as purchasing_sessions,
            count(*) filter (where has_cart) as carting_sessions,
            count(*) filter (where has_cart and has_purchase) as carting_purchasing_sessions
        from sessions
        group by period, bucket
    )
select * from final
order by period, bucket
