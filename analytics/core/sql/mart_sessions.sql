-- mart_sessions: every session of a known user with a view, cart or purchase of a product, keyed
-- in order of its first event; traffic source and device are those of that first event.
with
    events as (
        select event_time, user_id, traffic_source, device,
            -- events without a session id get one pseudo-session per user and UTC day
            coalesce(session_id, 'day:' || cast(cast(event_time as date) as varchar)) as session_id
        from events
        where event_type in ('view', 'cart', 'purchase') and user_id is not null and product_id is not null
    ),
    users as (select * from mart_users),
    sessions as (
        select user_id, session_id,
            min(event_time) as started_at,
            arg_min(traffic_source, event_time) as traffic_source,
            arg_min(device, event_time) as device
        from events
        group by user_id, session_id
    ),
    final as (
        select
            cast(row_number() over (order by s.started_at, u.user_key, s.session_id) as integer) as session_key,
            u.user_key,
            s.session_id,
            s.started_at,
            cast(s.started_at as date) as day,
            coalesce(s.traffic_source, '(none)') as traffic_source,
            coalesce(s.device, '(none)') as device
        from sessions s
        join users u on u.user_id = s.user_id
    )
select * from final
