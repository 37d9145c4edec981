-- Simple per-user behaviour features from the canonical tables, the kind a segmentation step
-- computes: RFM, engagement, funnel rates, price level, category / channel / device mix,
-- sale response, review sentiment (stars) and search behaviour. One row per user.
with
    events_with_products as (
        select e.*, p.category, split_part(p.category, '.', 1) as top_category, p.price as list_price
        from events as e
        left join products as p using (product_id)
    ),
    category_medians as (
        select category, median(price) as median_price from products group by 1
    ),
    sessions as (
        select
            user_id,
            session_id,
            any_value(traffic_source) as traffic_source,
            any_value(device) as device,
            min(event_time) as started_at
        from events
        where session_id is not null
        group by 1, 2
    ),
    user_events as (
        select
            user_id,
            count(distinct session_id) as count_sessions,
            count(distinct order_id) as count_orders,
            count(*) filter (where event_type = 'view') as count_views,
            count(*) filter (where event_type = 'cart') as count_carts,
            count(*) filter (where event_type = 'purchase') as count_purchases,
            count(*) filter (where event_type = 'wishlist') as count_wishlists,
            count(*) filter (where event_type = 'remove_from_cart') as count_removes,
            count(*) filter (where event_type = 'refund') as count_refunds,
            date_diff('hour', max(event_time), (select max(event_time) from events)) / 24.0 as recency_days,
            avg(ln(list_price / m.median_price)) filter (where event_type = 'view') as price_level,
            avg((top_category = 'electronics')::int) filter (where event_type = 'view') as share_electronics,
            avg((top_category = 'computers')::int) filter (where event_type = 'view') as share_computers,
            avg((top_category = 'appliances')::int) filter (where event_type = 'view') as share_appliances,
            avg((top_category = 'apparel')::int) filter (where event_type = 'view') as share_apparel,
            avg((top_category = 'beauty')::int) filter (where event_type = 'view') as share_beauty,
            avg((top_category = 'home')::int) filter (where event_type = 'view') as share_home,
            avg((top_category = 'sport')::int) filter (where event_type = 'view') as share_sport
        from events_with_products
        left join category_medians as m using (category)
        group by 1
    ),
    user_sessions as (
        select
            user_id,
            avg((traffic_source = 'organic')::int) as share_organic,
            avg((traffic_source = 'paid_search')::int) as share_paid_search,
            avg((traffic_source = 'social')::int) as share_social,
            avg((traffic_source = 'email')::int) as share_email,
            avg((traffic_source = 'direct')::int) as share_direct,
            avg((traffic_source = 'referral')::int) as share_referral,
            avg((device = 'mobile')::int) as share_mobile,
            avg((device = 'desktop')::int) as share_desktop,
            avg((device = 'tablet')::int) as share_tablet,
            avg((date_trunc('week', started_at) = date_trunc('week', timestamp '2026-09-24'))::int) as share_sale_week
        from sessions
        group by 1
    ),
    user_reviews as (
        select user_id, avg(rating) as avg_rating, count(*) as count_reviews from reviews group by 1
    ),
    user_searches as (
        select
            user_id,
            count(*) as count_searches,
            avg(regexp_matches(query, 'cheap|sale|deal|discount|under|price|offer|clearance')::int) as share_deal_queries
        from searches
        group by 1
    ),
    final as (
        select
            u.user_id,
            u.demo_type,
            ln(1 + e.count_sessions) as log_sessions,
            ln(1 + e.count_orders) as log_orders,
            ln(e.count_views / e.count_sessions) as log_views_per_session,
            e.count_carts / e.count_views as cart_rate,
            e.count_purchases / e.count_views as purchase_rate,
            e.count_wishlists / e.count_views as wishlist_rate,
            e.count_removes / (e.count_carts + 1) as remove_share,
            e.count_refunds / (e.count_purchases + 1) as refund_share,
            e.recency_days,
            e.price_level,
            e.share_electronics, e.share_computers, e.share_appliances, e.share_apparel,
            e.share_beauty, e.share_home, e.share_sport,
            s.share_organic, s.share_paid_search, s.share_social, s.share_email, s.share_direct,
            s.share_referral, s.share_mobile, s.share_desktop, s.share_tablet, s.share_sale_week,
            coalesce(r.avg_rating, (select avg(rating) from reviews)) as avg_rating,
            coalesce(r.count_reviews, 0) / (e.count_purchases + 1) as review_share,
            coalesce(q.count_searches, 0) / e.count_sessions as searches_per_session,
            coalesce(q.share_deal_queries, 0) as share_deal_queries
        from users as u
        join user_events as e using (user_id)
        join user_sessions as s using (user_id)
        left join user_reviews as r using (user_id)
        left join user_searches as q using (user_id)
    )
select * from final order by user_id
