-- Whether the marts were built from the events the warehouse holds now (pages warn when not).
with
    refreshes as (select * from mart_refreshes),
    latest as (select count_events, refreshed_at from refreshes order by refreshed_at desc limit 1),
    final as (
        select
            (select count(*) from events) as count_events,
            (select count_events from latest) as count_events_in_marts,
            (select refreshed_at from latest) as refreshed_at
    )
select * from final
