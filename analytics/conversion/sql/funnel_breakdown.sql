-- The funnel per group of the $breakdown columns (allow-listed in analytics.funnels; the others
-- are null): users at each step. Same options and step rules as funnel_steps.sql (keep them in
-- step). Users are counted in one stage per (group, user); sessions and pairs are left out here,
-- which keeps a breakdown by product columns as fast as it can be on the per-product mart.
with
    totals as (select * from mart_session_totals),
    steps as (select * from mart_session_steps),
    whole_catalog as (
        select $categories is null and $brands is null
            and not list_has_any($breakdown, ['category', 'brand', 'price_band']) as yes
    ),
    chosen as (
        select * from totals where (select yes from whole_catalog)
        union all
        select * from steps where not (select yes from whole_catalog)
    ),
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
        from chosen
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
            end as at_purchase
        from filtered f
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
