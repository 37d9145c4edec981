-- The view -> cart -> purchase funnel as one row: users, sessions and (session, product) pairs
-- at each step. Options (bound): $across_sessions with $window_s (each step within the window
-- after the previous one, over the user's later sessions), $any_order (within a session, steps
-- in any order), $cart_optional (a view followed by a purchase converts); the step rules are the
-- funnel_sessions macro (analytics/core/migrations/050_query_rules.sql). Without a category or
-- brand filter the one-row-per-session mart is read. Counts are built per session, then per
-- user (faster than distinct counts).
with
    whole_catalog as (select $categories is null and $brands is null as yes),
    reached as (
        select
            user_key, session_key, at_view, at_cart, at_purchase,
            products_view, products_cart, products_purchase, purchases
        from funnel_sessions(
            $start, $end, $categories, $brands, $traffic_sources, $devices, (select yes from whole_catalog),
            $across_sessions, $window_s, $any_order, $cart_optional
        )
    ),
    per_session as (
        -- the per-session mart already has one row per session
        select * from reached where (select yes from whole_catalog)
        union all
        select any_value(user_key), session_key, bool_or(at_view), bool_or(at_cart), bool_or(at_purchase),
            sum(products_view), sum(products_cart), sum(products_purchase), sum(purchases)
        from reached
        where not (select yes from whole_catalog)
        group by session_key
    ),
    per_user as (
        select user_key,
            bool_or(at_view) as at_view,
            bool_or(at_cart) as at_cart,
            bool_or(at_purchase) as at_purchase,
            count(*) filter (where at_view) as sessions_view,
            count(*) filter (where at_cart) as sessions_cart,
            count(*) filter (where at_purchase) as sessions_purchase,
            sum(products_view) as products_view,
            sum(products_cart) as products_cart,
            sum(products_purchase) as products_purchase,
            sum(purchases) as purchases
        from per_session
        group by user_key
    ),
    final as (
        select
            count(*) filter (where at_view) as users_view,
            count(*) filter (where at_cart) as users_cart,
            count(*) filter (where at_purchase) as users_purchase,
            -- counts per session and per (session, product) only mean something within a session
            case when not $across_sessions then coalesce(sum(sessions_view), 0) end as sessions_view,
            case when not $across_sessions then coalesce(sum(sessions_cart), 0) end as sessions_cart,
            case when not $across_sessions then coalesce(sum(sessions_purchase), 0) end as sessions_purchase,
            case when not $across_sessions then coalesce(sum(products_view), 0) end as products_view,
            case when not $across_sessions then coalesce(sum(products_cart), 0) end as products_cart,
            case when not $across_sessions then coalesce(sum(products_purchase), 0) end as products_purchase,
            case when not $across_sessions then coalesce(sum(purchases), 0) end as purchases
        from per_user
    )
select * from final
