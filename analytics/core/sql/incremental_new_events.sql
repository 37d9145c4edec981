-- incremental_new_events: the events after $since, the latest event the marts hold (an incremental
-- refresh runs only when every other event is unchanged since then).
select * from events where event_time > $since
