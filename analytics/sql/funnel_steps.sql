-- View -> cart -> purchase funnel from the session-steps mart, per breakdown group.
-- Options (bound): $across_sessions with $window_s (each step within the window after the
-- previous one, over the user's later sessions), $any_order (within a session, steps in any
-- order), $cart_optional (a view followed by a purchase converts). $breakdown lists the group
-- columns to keep (allow-listed in analytics.funnels); the others are null.
-- Keep the step rules in step with funnel_audience.sql.
with
    steps as (select * from mart_session_steps),
    latest_run as (select max(run_id) as run_id from segment_runs where status = 'complete'),
    segments as (
        select m.user_key, s.segment_id || ': ' || coalesce(p.name, 'segment ' || s.segment_id) as segment
        from user_segments s
        join latest_run r on r.run_id = s.run_id
        join mart_users m on m.user_id = s.user_id
        left join segment_profiles p on p.run_id = s.run_id and p.segment_id = s.segment_id
        where list_contains($breakdown, 'segment')
    ),
    filtered as (
        select *
        from steps
        where day >= cast($start as date) and day < cast($end as date)
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
    ),
    reached as (
        select
            case when list_contains($breakdown, 'category') then f.category end as category,
            case when list_contains($breakdown, 'brand') then f.brand end as brand,
            case when list_contains($breakdown, 'price_band') then f.price_band end as price_band,
            case when list_contains($breakdown, 'traffic_source') then f.traffic_source end as traffic_source,
            case when list_contains($breakdown, 'device') then f.device end as device,
            case when list_contains($breakdown, 'segment') then coalesce(g.segment, '(no segment)') end as segment,
            f.user_key,
            f.session_key,
            f.has_view as at_view,
            case
                when $across_sessions then coalesce(f.min_cart_lag_s <= $window_s, false)
                when $any_order then f.count_products_any_view_cart > 0
                else f.count_products_view_cart > 0
            end as at_cart,
            case
                when $across_sessions and $cart_optional then coalesce(f.min_purchase_lag_s <= $window_s, false)
                when $across_sessions then coalesce(f.min_cart_purchase_lag_s <= $window_s, false)
                when $any_order and $cart_optional then f.count_products_any_view_purchase > 0
                when $any_order then f.count_products_any_view_cart_purchase > 0
                when $cart_optional then f.count_products_view_purchase > 0
                else f.count_products_view_cart_purchase > 0
            end as at_purchase,
            f.count_products_viewed as products_view,
            case when $any_order then f.count_products_any_view_cart else f.count_products_view_cart end
                as products_cart,
            case
                when $any_order and $cart_optional then f.count_products_any_view_purchase
                when $any_order then f.count_products_any_view_cart_purchase
                when $cart_optional then f.count_products_view_purchase
                else f.count_products_view_cart_purchase
            end as products_purchase,
            case
                when $any_order and $cart_optional then f.count_purchases_any_view_purchase
                when $any_order then f.count_purchases_any_view_cart_purchase
                when $cart_optional then f.count_purchases_view_purchase
                else f.count_purchases_view_cart_purchase
            end as purchases
        from filtered f
        left join segments g on g.user_key = f.user_key
    ),
    final as (
        select category, brand, price_band, traffic_source, device, segment,
            count(distinct user_key) filter (where at_view) as users_view,
            count(distinct user_key) filter (where at_cart) as users_cart,
            count(distinct user_key) filter (where at_purchase) as users_purchase,
            -- counts per session and per (session, product) only mean something within a session
            case when not $across_sessions then count(distinct session_key) filter (where at_view) end
                as sessions_view,
            case when not $across_sessions then count(distinct session_key) filter (where at_cart) end
                as sessions_cart,
            case when not $across_sessions then count(distinct session_key) filter (where at_purchase) end
                as sessions_purchase,
            case when not $across_sessions then sum(products_view) end as products_view,
            case when not $across_sessions then sum(products_cart) end as products_cart,
            case when not $across_sessions then sum(products_purchase) end as products_purchase,
            case when not $across_sessions then sum(purchases) end as purchases
        from reached
        group by category, brand, price_band, traffic_source, device, segment
    )
select * from final
order by users_view desc, category, brand, price_band, traffic_source, device, segment
