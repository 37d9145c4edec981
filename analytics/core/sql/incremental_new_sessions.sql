-- incremental_new_sessions: the sessions of refresh_mart_sessions (mart_sessions.sql over the touched
-- users' events) that mart_sessions does not hold, keyed after its last key in mart_sessions.sql's
-- order (start, user key, session id): a new session starts after the latest event already held,
-- so after every session already keyed. A held session keeps its key and its columns (its start,
-- and its first event's source and device, come from events that did not change).
with
    last_key as (select coalesce(max(session_key), 0) as session_key from mart_sessions),
    new_sessions as (
        select s.* from refresh_mart_sessions as s
        where not exists (
            select 1 from mart_sessions as m where m.user_key = s.user_key and m.session_id = s.session_id
        )
    ),
    final as (
        select n.* replace (
            (select session_key from last_key) + cast(row_number() over (order by n.session_key) as integer)
                as session_key
        )
        from new_sessions as n
    )
select * from final
