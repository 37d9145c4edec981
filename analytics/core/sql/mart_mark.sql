-- mart_mark: the events up to $until (null: all), summed up so that a later refresh can tell whether
-- any of them changed (analytics/core/incremental.py). A row's hash covers every column.
with
    events_until as (
        select hash(e) as row_hash, e.event_time
        from events as e
        where $until is null or e.event_time <= $until
    ),
    final as (
        select max(event_time) as last_event_time, count(*) as count_events,
            sum(cast(row_hash as hugeint)) as events_fingerprint
        from events_until
    )
select * from final
