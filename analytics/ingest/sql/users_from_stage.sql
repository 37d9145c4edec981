-- Users seen in staged events, reviews or orders that the format did not stage itself, with
-- the first time they were seen. Country and consent stay unknown (NULL).
with
    events as (select user_id, event_time as seen_at from stage_events),
    reviews as (select user_id, created_at as seen_at from stage_reviews),
    orders as (select user_id, ordered_at as seen_at from stage_orders),
    staged_users as (select user_id from stage_users where user_id is not null),
    seen as (
        select * from events union all select * from reviews union all select * from orders
    ),
    final as (
        select user_id, min(seen_at) as first_seen
        from seen
        where user_id is not null and user_id not in (select user_id from staged_users)
        group by user_id
    )
select * from final
