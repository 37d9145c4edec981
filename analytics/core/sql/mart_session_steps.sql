-- mart_session_steps: funnel flags per (session, product), rolled up to (session, product group).
-- Columns are described in analytics/core/migrations/020_marts.sql. Anonymous events and events
-- without a product are left out (user analytics only). Work is done on the integer keys of
-- mart_users, mart_sessions and mart_products; text columns are joined in at the end.
with
    events as (
        select event_time, event_type, user_id, product_id,
            coalesce(session_id, 'day:' || cast(cast(event_time as date) as varchar)) as session_id
        from events
        where event_type in ('view', 'cart', 'purchase') and user_id is not null and product_id is not null
    ),
    users as (select * from mart_users),
    sessions as (select * from mart_sessions),
    products as (select * from mart_products),
    keyed as (
        select e.event_time, e.event_type, s.session_key, s.user_key, p.product_key
        from events e
        join users u on u.user_id = e.user_id
        join sessions s on s.user_key = u.user_key and s.session_id = e.session_id
        join products p on p.product_id = e.product_id
    ),
    pairs as (
        select session_key, product_key,
            any_value(user_key) as user_key,
            min(event_time) filter (where event_type = 'view') as viewed_at,
            bool_or(event_type = 'cart') as has_cart,
            count(*) filter (where event_type = 'purchase') as count_purchases
        from keyed
        group by session_key, product_key
    ),
    carts as (select session_key, user_key, product_key, event_time from keyed where event_type = 'cart'),
    purchases as (select session_key, user_key, product_key, event_time from keyed where event_type = 'purchase'),
    viewed_pairs as (select * from pairs where viewed_at is not null),
    session_carts as (
        -- the first cart of the product at or after its first view, in the same session
        select p.session_key, p.product_key, min(c.event_time) as carted_at
        from viewed_pairs p
        join carts c on c.session_key = p.session_key and c.product_key = p.product_key
        where c.event_time >= p.viewed_at
        group by p.session_key, p.product_key
    ),
    session_purchases as (
        -- purchases of the product in the same session after its first view / after that cart
        select p.session_key, p.product_key,
            count(*) filter (where b.event_time >= p.viewed_at) as count_after_view,
            count(*) filter (where b.event_time >= sc.carted_at) as count_after_cart
        from viewed_pairs p
        join purchases b on b.session_key = p.session_key and b.product_key = p.product_key
        left join session_carts sc on sc.session_key = p.session_key and sc.product_key = p.product_key
        group by p.session_key, p.product_key
    ),
    next_carts as (
        -- across sessions: the user's first cart of the product at or after this session's first view
        select p.session_key, p.product_key, min(c.event_time) as carted_at
        from viewed_pairs p
        join carts c on c.user_key = p.user_key and c.product_key = p.product_key
        where c.event_time >= p.viewed_at
        group by p.session_key, p.product_key
    ),
    next_purchases as (
        select p.session_key, p.product_key,
            min(b.event_time) filter (where b.event_time >= p.viewed_at) as purchased_at,
            min(b.event_time) filter (where b.event_time >= nc.carted_at) as purchased_after_cart_at
        from viewed_pairs p
        join purchases b on b.user_key = p.user_key and b.product_key = p.product_key
        left join next_carts nc on nc.session_key = p.session_key and nc.product_key = p.product_key
        group by p.session_key, p.product_key
    ),
    pair_flags as (
        select p.session_key, p.product_key,
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
        left join session_carts sc on sc.session_key = p.session_key and sc.product_key = p.product_key
        left join session_purchases sp on sp.session_key = p.session_key and sp.product_key = p.product_key
        left join next_carts nc on nc.session_key = p.session_key and nc.product_key = p.product_key
        left join next_purchases np on np.session_key = p.session_key and np.product_key = p.product_key
    ),
    rolled_up as (
        select
            f.session_key,
            g.group_key,
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
        join products g on g.product_key = f.product_key
        group by f.session_key, g.group_key
    ),
    product_groups as (select distinct group_key, category, brand, price_band from products),
    final as (
        select s.day, r.session_key, s.user_key, g.category, g.brand, g.price_band, s.traffic_source, s.device,
            r.* exclude (session_key, group_key)
        from rolled_up r
        join sessions s on s.session_key = r.session_key
        join product_groups g on g.group_key = r.group_key
    )
select * from final
order by session_key
