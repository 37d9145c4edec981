-- incremental_earlier_days: the days before a touched user's first touched day that their day counts
-- still read: for the whole shop, each traffic source and each device, the last earlier day with each
-- step (mart_day_counts.sql reads a user's previous day with a step from it). Every other earlier
-- day changes nothing after the first touched day, and what it contributes is the same before and
-- after the refresh. Steps as in mart_day_counts.sql's sessions.
with
    earlier as (
        select t.user_key, t.day, t.traffic_source, t.device, t.has_view, t.has_purchase,
            t.count_products_view_cart > 0 as reached_view_cart,
            t.count_products_any_view_cart > 0 as reached_any_view_cart,
            t.count_products_view_cart_purchase > 0 as reached_view_cart_purchase,
            t.count_products_view_purchase > 0 as reached_view_purchase,
            t.count_products_any_view_cart_purchase > 0 as reached_any_view_cart_purchase,
            t.count_products_any_view_purchase > 0 as reached_any_view_purchase
        from refresh_old_totals as t
        join refresh_first_days as f on f.user_key = t.user_key
        where t.day < f.first_day
    ),
    last_days as (
        select user_key,
            [
                max(day),
                max(day) filter (where has_view),
                max(day) filter (where has_purchase),
                max(day) filter (where reached_view_cart),
                max(day) filter (where reached_any_view_cart),
                max(day) filter (where reached_view_cart_purchase),
                max(day) filter (where reached_view_purchase),
                max(day) filter (where reached_any_view_cart_purchase),
                max(day) filter (where reached_any_view_purchase)
            ] as days
        from earlier
        group by grouping sets ((user_key), (user_key, traffic_source), (user_key, device))
    ),
    days as (select user_key, unnest(days) as day from last_days),
    final as (select distinct user_key, day from days where day is not null)
select * from final
