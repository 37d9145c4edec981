-- incremental_new_users: the users of refresh_mart_users (mart_users.sql over the new events) that
-- mart_users does not hold, keyed after its last key in mart_users.sql's order (first event, then
-- id): all their events are new, so that order puts them after every user already keyed.
with
    last_key as (select coalesce(max(user_key), 0) as user_key from mart_users),
    new_users as (
        select s.* from refresh_mart_users as s
        where not exists (select 1 from mart_users as m where m.user_id = s.user_id)
    ),
    final as (
        select (select user_key from last_key) + cast(row_number() over (order by n.user_key) as integer) as user_key,
            n.user_id
        from new_users as n
    )
select * from final
