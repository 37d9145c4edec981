-- mart_users: a dense integer key for every user seen in events (anonymous events have none).
with
    events as (select user_id from events where user_id is not null),
    distinct_users as (select distinct user_id from events),
    final as (
        select cast(row_number() over (order by user_id) as integer) as user_key, user_id
        from distinct_users
    )
select * from final
