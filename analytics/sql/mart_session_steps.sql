-- mart_session_steps: funnel flags per (session, product), rolled up to (session, product group).
-- Columns are described in analytics/migrations/020_marts.sql. Anonymous events and events
-- without a product are left out (user analytics only).
with
    events as (
        select event_time, event_type, user_id, session_id, product_id, traffic_source, device
        from events
        where event_type in ('view', 'cart', 'purchase') and user_id is not null and product_id is not null
    ),
    users as (select * from mart_users),
    products as (select * from mart_products),
    keyed as (
        -- events without a session id get one pseudo-session per user and UTC day
        select e.event_time, e.event_type, u.user_key, e.product_id, e.traffic_source, e.device,
            coalesce(e.session_id, 'day:' || cast(cast(e.event_time as date) as varchar)) as session_id
        from events e join users u using (user_id)
    ),
    sessions as (
        select user_key, session_id,
            cast(row_number() over () as integer) as session_key,
            cast(min(event_time) as date) as day,
            arg_min(traffic_source, event_time) as traffic_source,
            arg_min(device, event_time) as device
        from keyed
        group by user_key, session_id
    ),
    pairs as (
        select user_key, session_id, product_id,
            min(event_time) filter (where event_type = 'view') as viewed_at,
            bool_or(event_type = 'cart') as has_cart,
            count(*) filter (where event_type = 'purchase') as count_purchases
        from keyed
        group by user_key, session_id, product_id
    ),
    carts as (select user_key, session_id, product_id, event_time from keyed where event_type = 'cart'),
    purchases as (select user_key, session_id, product_id, event_time from keyed where event_type = 'purchase'),
    session_carts as (
        -- the first cart of the product at or after its first view, in the same session
        select p.user_key, p.session_id, p.product_id, min(c.event_time) as carted_at
        from pairs p
        join carts c on c.user_key = p.user_key and c.session_id = p.session_id and c.product_id = p.product_id
        where c.event_time >= p.viewed_at
        group by p.user_key, p.session_id, p.product_id
    ),
    session_purchases as (
        -- purchases of the product in the same session after its first view / after that cart
        select p.user_key, p.session_id, p.product_id,
            count(*) filter (where b.event_time >= p.viewed_at) as count_after_view,
            count(*) filter (where b.event_time >= sc.carted_at) as count_after_cart
        from pairs p
        join purchases b on b.user_key = p.user_key and b.session_id = p.session_id and b.product_id = p.product_id
        left join session_carts sc
            on sc.user_key = p.user_key and sc.session_id = p.session_id and sc.product_id = p.product_id
        group by p.user_key, p.session_id, p.product_id
    ),
    next_carts as (
        -- across sessions: the user's first cart of the product at or after this session's first view
        select p.user_key, p.session_id, p.product_id, min(c.event_time) as carted_at
        from pairs p
        join carts c on c.user_key = p.user_key and c.product_id = p.product_id
        where c.event_time >= p.viewed_at
        group by p.user_key, p.session_id, p.product_id
    ),
    next_purchases as (
        select p.user_key, p.session_id, p.product_id,
            min(b.event_time) filter (where b.event_time >= p.viewed_at) as purchased_at,
            min(b.event_time) filter (where b.event_time >= nc.carted_at) as purchased_after_cart_at
        from pairs p
        join purchases b on b.user_key = p.user_key and b.product_id = p.product_id
        left join next_carts nc
            on nc.user_key = p.user_key and nc.session_id = p.session_id and nc.product_id = p.product_id
        group by p.user_key, p.session_id, p.product_id
    ),
    pair_flags as (
        select p.user_key, p.session_id, p.product_id,
            p.viewed_at is not null as has_view,
            p.has_cart,
            p.count_purchases,
            sc.carted_at is not null as is_view_cart,
            coalesce(sp.count_after_cart, 0) as count_purchases_after_cart,
            coalesce(sp.count_after_view, 0) as count_purchases_after_view,
            epoch(nc.carted_at - p.viewed_at) as cart_lag_s,
            case
                when np.purchased_after_cart_at is not null
                then greatest(epoch(nc.carted_at - p.viewed_at), epoch(np.purchased_after_cart_at - nc.carted_at))
            end as cart_purchase_lag_s,
            epoch(np.purchased_at - p.viewed_at) as purchase_lag_s
        from pairs p
        left join session_carts sc
            on sc.user_key = p.user_key and sc.session_id = p.session_id and sc.product_id = p.product_id
        left join session_purchases sp
            on sp.user_key = p.user_key and sp.session_id = p.session_id and sp.product_id = p.product_id
        left join next_carts nc
            on nc.user_key = p.user_key and nc.session_id = p.session_id and nc.product_id = p.product_id
        left join next_purchases np
            on np.user_key = p.user_key and np.session_id = p.session_id and np.product_id = p.product_id
    ),
    rolled_up as (
        select
            s.day,
            s.session_key,
            f.user_key,
            coalesce(g.category, '(none)') as category,
            coalesce(g.brand, '(none)') as brand,
            coalesce(g.price_band, '(none)') as price_band,
            coalesce(s.traffic_source, '(none)') as traffic_source,
            coalesce(s.device, '(none)') as device,
            bool_or(f.has_view) as has_view,
            bool_or(f.has_cart) as has_cart,
            bool_or(f.count_purchases > 0) as has_purchase,
            cast(sum(f.count_purchases) as integer) as count_purchases,
            cast(count(*) filter (where f.has_view) as integer) as count_products_viewed,
            cast(count(*) filter (where f.is_view_cart) as integer) as count_products_view_cart,
            cast(count(*) filter (where f.count_purchases_after_cart > 0) as integer)
                as count_products_view_cart_purchase,
            cast(count(*) filter (where f.count_purchases_after_view > 0) as integer) as count_products_view_purchase,
            cast(count(*) filter (where f.has_view and f.has_cart) as integer) as count_products_any_view_cart,
            cast(count(*) filter (where f.has_view and f.has_cart and f.count_purchases > 0) as integer)
                as count_products_any_view_cart_purchase,
            cast(count(*) filter (where f.has_view and f.count_purchases > 0) as integer)
                as count_products_any_view_purchase,
            cast(sum(f.count_purchases_after_cart) as integer) as count_purchases_view_cart_purchase,
            cast(sum(f.count_purchases_after_view) as integer) as count_purchases_view_purchase,
            cast(coalesce(sum(f.count_purchases) filter (where f.has_view and f.has_cart), 0) as integer)
                as count_purchases_any_view_cart_purchase,
            cast(coalesce(sum(f.count_purchases) filter (where f.has_view), 0) as integer)
                as count_purchases_any_view_purchase,
            min(f.cart_lag_s) as min_cart_lag_s,
            min(f.cart_purchase_lag_s) as min_cart_purchase_lag_s,
            min(f.purchase_lag_s) as min_purchase_lag_s
        from pair_flags f
        join sessions s on s.user_key = f.user_key and s.session_id = f.session_id
        left join products g on g.product_id = f.product_id
        group by all
    ),
    final as (select * from rolled_up)
select * from final
order by day, session_key
