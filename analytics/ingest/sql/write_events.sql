-- Append staged events that are not already stored. Events are a set: an event identical in every
-- field to one in this file or in the warehouse is stored once (docs/IMPORTING.md, "Duplicates").
-- Only stored events in the file's time range are compared, so the check stays cheap.
insert into events by name
with
    staged as (
        select event_time, event_type, user_id, session_id, product_id, quantity, price, currency, order_id,
            traffic_source, device
        from stage_events
    ),
    stored as (
        select event_time, event_type, user_id, session_id, product_id, quantity, price, currency, order_id,
            traffic_source, device
        from events
        where event_time between (select min(event_time) from staged) and (select max(event_time) from staged)
    ),
    new_events as (select * from staged except select * from stored),
    final as (select *, $import_id as import_id from new_events)
select * from final
