-- The funnel per group of the $breakdown columns (allow-listed in analytics.funnels; the others
-- are null): users at each step. Same options and step rules (the funnel_sessions macro) as
-- funnel_steps.sql. Users are counted in one stage per (group, user); sessions and pairs are
-- left out here, which keeps a breakdown by product columns as fast as it can be on the
-- per-product mart.
with
    whole_catalog as (
        select $categories is null and $brands is null
            and not list_has_any($breakdown, ['category', 'brand', 'price_band']) as yes
    ),
    segments as (
        select m.user_key, s.segment_id || ': ' || coalesce(s.segment_name, 'segment ' || s.segment_id) as segment
        from latest_run_segments() s
        join mart_users m on m.user_id = s.user_id
        where list_contains($breakdown, 'segment')
    ),
    funnel as (
        select *
        from funnel_sessions(
            $start, $end, $categories, $brands, $traffic_sources, $devices, (select yes from whole_catalog),
            $across_sessions, $window_s, $any_order, $cart_optional
        )
    ),
    reached as (
        select
            case when list_contains($breakdown, 'category') then f.category end as category,
            case when list_contains($breakdown, 'brand') then f.brand end as brand,
            case when list_contains($breakdown, 'price_band') then f.price_band end as price_band,
            case when list_contains($breakdown, 'traffic_source') then f.traffic_source end as traffic_source,
            case when list_contains($breakdown, 'device') then f.device end as device,
            case when list_contains($breakdown, 'segment') then coalesce(g.segment, '(no segment)') end as segment,
            f.user_key, f.at_view, f.at_cart, f.at_purchase
        from funnel f
        left join segments g on g.user_key = f.user_key
    ),
    per_user as (
        select category, brand, price_band, traffic_source, device, segment, user_key,
            bool_or(at_view) as at_view,
            bool_or(at_cart) as at_cart,
            bool_or(at_purchase) as at_purchase
        from reached
        group by category, brand, price_band, traffic_source, device, segment, user_key
    ),
    final as (
        select category, brand, price_band, traffic_source, device, segment,
            count(*) filter (where at_view) as users_view,
            count(*) filter (where at_cart) as users_cart,
            count(*) filter (where at_purchase) as users_purchase
        from per_user
        group by category, brand, price_band, traffic_source, device, segment
    )
select * from final
order by users_view desc, category, brand, price_band, traffic_source, device, segment
