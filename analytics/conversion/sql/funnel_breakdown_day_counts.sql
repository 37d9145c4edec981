-- funnel_breakdown.sql's answer within sessions for a breakdown by traffic source or device, read
-- from the daily roll-up mart_day_counts at grain $day_counts_grain (the breakdown column; see
-- traffic_totals_day_counts.sql and funnel_steps_day_counts.sql for $cart_step, $purchase_step).
-- Users are counted on their first day in the range in each group.
with
    day_counts as (select * from mart_day_counts),
    in_range as (
        select traffic_source, device, measure, value
        from day_counts
        where grain = $day_counts_grain and day >= cast($start as date) and day < cast($end as date)
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
            and (prev_day is null or prev_day < cast($start as date))
            and measure in ('visitors', 'users_view', 'users_' || $cart_step, 'users_' || $purchase_step)
    ),
    final as (
        select
            cast(null as varchar) as category,
            cast(null as varchar) as brand,
            cast(null as varchar) as price_band,
            case when $day_counts_grain = 'traffic_source' then traffic_source end as traffic_source,
            case when $day_counts_grain = 'device' then device end as device,
            cast(null as varchar) as segment,
            coalesce(sum(value) filter (where measure = 'visitors'), 0) as visitors,
            coalesce(sum(value) filter (where measure = 'users_view'), 0) as users_view,
            coalesce(sum(value) filter (where measure = 'users_' || $cart_step), 0) as users_cart,
            coalesce(sum(value) filter (where measure = 'users_' || $purchase_step), 0) as users_purchase
        from in_range
        group by traffic_source, device
    )
select
    category, brand, price_band, traffic_source, device, segment,
    cast(users_view as bigint) as users_view,
    cast(users_cart as bigint) as users_cart,
    cast(users_purchase as bigint) as users_purchase
from final
-- a group is listed when a user had a session in it, as in funnel_breakdown.sql
where visitors > 0
order by users_view desc, category, brand, price_band, traffic_source, device, segment
