-- traffic_trend.sql's answer read from the daily roll-up mart_day_counts at grain $day_counts_grain (see
-- traffic_totals_day_counts.sql): users are counted on their first day in each bucket of
-- $bucket_days days, so the counts are the exact distinct counts per bucket.
with
    day_counts as (select * from mart_day_counts),
    rows_in_periods as (
        select measure, value, prev_day, day,
            day >= cast($start as date) as is_current,
            case when day >= cast($start as date) then cast($start as date) else cast($prev_start as date) end
                as period_start
        from day_counts
        where grain = $day_counts_grain and day >= cast($prev_start as date) and day < cast($end as date)
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
            and measure in ('visitors', 'purchasers', 'sessions', 'purchasing_sessions', 'carting_sessions',
                'carting_purchasing_sessions')
    ),
    bucketed as (
        select is_current, measure, value, prev_day, period_start,
            cast(floor(date_diff('day', period_start, day) / $bucket_days) as integer) as bucket
        from rows_in_periods
    ),
    counted as (
        -- a user's first day in the bucket: no earlier day with the step since the bucket began
        select is_current, bucket, measure, value
        from bucketed
        where prev_day is null or date_diff('day', period_start, prev_day) < bucket * $bucket_days
    ),
    final as (
        select
            case when is_current then 'current' else 'previous' end as period,
            bucket,
            cast(sum(value) filter (where measure = 'visitors') as bigint) as visitors,
            coalesce(sum(value) filter (where measure = 'sessions'), 0) as sessions,
            cast(coalesce(sum(value) filter (where measure = 'purchasers'), 0) as bigint) as purchasers,
            coalesce(sum(value) filter (where measure = 'purchasing_sessions'), 0) as purchasing_sessions,
            coalesce(sum(value) filter (where measure = 'carting_sessions'), 0) as carting_sessions,
            coalesce(sum(value) filter (where measure = 'carting_purchasing_sessions'), 0)
                as carting_purchasing_sessions
        from counted
        group by is_current, bucket
    )
select * from final
order by period, bucket
