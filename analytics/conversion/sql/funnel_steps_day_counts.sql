-- funnel_steps.sql's answer within sessions (not across them) read from the daily roll-up
-- mart_day_counts at grain $day_counts_grain (see traffic_totals_day_counts.sql). The options pick the
-- measures: $cart_step and $purchase_step name the step variants ('view_cart' or 'any_view_cart';
-- 'view_cart_purchase', 'view_purchase', 'any_view_cart_purchase' or 'any_view_purchase'), as
-- analytics.conversion.funnels binds them. Users are counted on their first day in the range.
with
    day_counts as (select * from mart_day_counts),
    in_range as (
        select measure, value
        from day_counts
        where grain = $day_counts_grain and day >= cast($start as date) and day < cast($end as date)
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
            and (prev_day is null or prev_day < cast($start as date))
    ),
    final as (
        select
            cast(coalesce(sum(value) filter (where measure = 'users_view'), 0) as bigint) as users_view,
            cast(coalesce(sum(value) filter (where measure = 'users_' || $cart_step), 0) as bigint) as users_cart,
            cast(coalesce(sum(value) filter (where measure = 'users_' || $purchase_step), 0) as bigint)
                as users_purchase,
            coalesce(sum(value) filter (where measure = 'sessions_view'), 0) as sessions_view,
            coalesce(sum(value) filter (where measure = 'sessions_' || $cart_step), 0) as sessions_cart,
            coalesce(sum(value) filter (where measure = 'sessions_' || $purchase_step), 0) as sessions_purchase,
            coalesce(sum(value) filter (where measure = 'products_view'), 0) as products_view,
            coalesce(sum(value) filter (where measure = 'products_' || $cart_step), 0) as products_cart,
            coalesce(sum(value) filter (where measure = 'products_' || $purchase_step), 0) as products_purchase,
            coalesce(sum(value) filter (where measure = 'purchases_' || $purchase_step), 0) as purchases
        from in_range
    )
select * from final
