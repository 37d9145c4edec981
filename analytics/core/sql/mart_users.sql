-- mart_users: a dense integer key for every user seen in events (anonymous events have none), in
-- order of the user's first event, then id: events appended later give their new users the next
-- keys and leave every key already given (what an incremental refresh relies on).
with
    events as (select user_id, event_time from events where user_id is not null),
    first_seen as (select user_id, min(event_time) as first_event_time from events group by user_id),
    final as (
        select cast(row_number() over (order by first_event_time, user_id) as integer) as user_key, user_id
        from first_seen
    )
select * from final
