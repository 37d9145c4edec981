-- traffic_totals.sql's answer read from the daily roll-up mart_day_counts at grain $day_counts_grain (chosen
-- by analytics.core.filters.day_counts_grain: no product filter, at most one traffic source or
-- device). Users are counted on their first day in each period (prev_day before the period or
-- null), so the counts are the exact distinct counts of traffic_totals.sql.
with
    day_counts as (select * from mart_day_counts),
    rows_in_periods as (
        select measure, value, prev_day,
            case when day >= cast($start as date) then 'current' else 'previous' end as period,
            case when day >= cast($start as date) then cast($start as date) else cast($prev_start as date) end
                as period_start
        from day_counts
        where grain = $day_counts_grain and day >= cast($prev_start as date) and day < cast($end as date)
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
            and measure in ('visitors', 'purchasers', 'sessions', 'purchasing_sessions', 'carting_sessions',
                'carting_purchasing_sessions')
    ),
    counted as (
        select period, measure, value
        from rows_in_periods
        where prev_day is null or prev_day < period_start
    ),
    final as (
        select period,
            cast(sum(value) filter (where measure = 'visitors') as bigint) as visitors,
            coalesce(sum(value) filter (where measure = 'sessions'), 0) as sessions,
            cast(coalesce(sum(value) filter (where measure = 'purchasers'), 0) as bigint) as purchasers,
            coalesce(sum(value) filter (where measure = 'purchasing_sessions'), 0) as purchasing_sessions,
            coalesce(sum(value) filter (where measure = 'carting_sessions'), 0) as carting_sessions,
            coalesce(sum(value) filter (where measure = 'carting_purchasing_sessions'), 0)
                as carting_purchasing_sessions
        from counted
        group by period
    )
select * from final
order by period
