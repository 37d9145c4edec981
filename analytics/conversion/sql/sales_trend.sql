-- Orders and revenue per currency per bucket of $bucket_days days for the selected period and the
-- one before it; bucket 0 starts on each period's first day.
with
    order_lines as (select * from mart_order_lines),
    filtered as (
        select *,
            case when day >= cast($start as date) then 'current' else 'previous' end as period,
            case when day >= cast($start as date) then cast($start as date) else cast($prev_start as date) end
                as period_start
        from order_lines
        where day >= cast($prev_start as date) and day < cast($end as date)
            and matches_filters(category, brand, traffic_source, device, $categories, $brands, $traffic_sources, $devices)
    ),
    final as (
        select period,
            cast(floor(date_diff('day', period_start, day) / $bucket_days) as integer) as bucket,
            cast(any_value(period_start) + bucket * $bucket_days as date) as bucket_start,
            currency,
            count(distinct order_key) filter (where is_order) as orders,
            sum(revenue_gross - revenue_refunded) as revenue,
            count(distinct user_key) filter (where is_order) as purchasers
        from filtered
        group by period, bucket, currency
    )
select * from final
order by period, bucket, currency
