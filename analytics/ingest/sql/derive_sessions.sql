-- Sessions for staged events that have a user but no session id: a new session starts after
-- 30 minutes without an event of that user (DESIGN.md, identity rules). The id is the user id
-- and the session's first second, so a re-import derives the same ids.
-- Returns (rid, session_id) for the staging table's rows; the importer updates them.
with
    staged as (select rowid as rid, user_id, event_time from stage_events where session_id is null and user_id is not null),
    gaps as (
        select *, lag(event_time) over (partition by user_id order by event_time, rid) as previous_time
        from staged
    ),
    starts as (
        select *,
            case when previous_time is null or event_time - previous_time > interval 30 minute then 1 else 0 end
                as is_start
        from gaps
    ),
    numbered as (
        select *, sum(is_start) over (partition by user_id order by event_time, rid rows unbounded preceding)
            as session_number
        from starts
    ),
    final as (
        select rid,
            user_id || '-' || strftime(min(event_time) over (partition by user_id, session_number), '%Y%m%d%H%M%S')
                as session_id
        from numbered
    )
select * from final
