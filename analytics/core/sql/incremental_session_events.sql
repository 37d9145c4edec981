-- incremental_session_events: what mart_session_steps.sql needs to recompute the touched sessions
-- (refresh_sessions): their events, and every cart and purchase of their users (the look-ahead).
-- It also yields partial rows for other sessions of those users; the caller keeps touched ones only.
-- Session ids as in mart_sessions.sql.
with
    user_events as (
        select e.*, coalesce(e.session_id, 'day:' || cast(cast(e.event_time as date) as varchar)) as session_ref
        from events as e
        where e.user_id in (select user_id from refresh_sessions)
    ),
    final as (
        select u.* exclude (session_ref)
        from user_events as u
        where u.event_type in ('cart', 'purchase')
            or exists (select 1 from refresh_sessions as t where t.user_id = u.user_id and t.session_id = u.session_ref)
    )
select * from final
