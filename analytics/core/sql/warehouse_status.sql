-- Row counts and the event date range of the warehouse (Data page, `status` command).
with
    events as (select event_time, session_id from events),
    final as (
        select
            (select count(*) from events) as count_events,
            (select count(*) from users) as count_users,
            (select count(*) from products) as count_products,
            (select count(*) from reviews) as count_reviews,
            (select count(*) from searches) as count_searches,
            (select count(distinct session_id) from events) as count_sessions,
            (select min(event_time) from events) as first_event_at,
            (select max(event_time) from events) as last_event_at
    )
select * from final
