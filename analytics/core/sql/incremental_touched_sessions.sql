-- incremental_touched_sessions: the sessions whose mart_session_steps rows can change: those holding
-- a new event, those that viewed a product the same user carted or bought in a new event (a view
-- looks ahead to the user's later carts and purchases in any session), and those with a product
-- that moved to another group (refresh_moved_products). Read after the new sessions are keyed.
-- Session ids as in mart_sessions.sql.
with
    new_events as (
        select user_id, product_id, event_type,
            coalesce(session_id, 'day:' || cast(cast(event_time as date) as varchar)) as session_id
        from refresh_new_events
        where event_type in ('view', 'cart', 'purchase') and user_id is not null and product_id is not null
    ),
    followed_up as (select distinct user_id, product_id from new_events where event_type in ('cart', 'purchase')),
    viewing as (
        select e.user_id, coalesce(e.session_id, 'day:' || cast(cast(e.event_time as date) as varchar)) as session_id
        from events as e
        join followed_up as f on f.user_id = e.user_id and f.product_id = e.product_id
        where e.event_type = 'view'
    ),
    with_moved as (
        select e.user_id, coalesce(e.session_id, 'day:' || cast(cast(e.event_time as date) as varchar)) as session_id
        from events as e
        where e.product_id in (select product_id from refresh_moved_products)
            and e.event_type in ('view', 'cart', 'purchase') and e.user_id is not null
    ),
    touched as (
        select user_id, session_id from new_events
        union
        select user_id, session_id from viewing
        union
        select user_id, session_id from with_moved
    ),
    final as (
        select s.session_key, s.user_key, t.user_id, t.session_id
        from touched as t
        join mart_users as u on u.user_id = t.user_id
        join mart_sessions as s on s.user_key = u.user_key and s.session_id = t.session_id
    )
select * from final
