-- What the marts were last built from, written in the same transaction as the marts: the next
-- refresh compares it with the warehouse to tell an import that only appended later events (an
-- incremental refresh applies, analytics/core/incremental.py) from any other change (full refresh).
create table mart_marks (
    built_at              timestamp not null,
    sql_version           varchar not null,   -- digest of the mart queries the marts were built with
    last_event_time       timestamp,          -- the latest event the marts include (null: no events)
    count_events          bigint not null,    -- events at or before last_event_time
    events_fingerprint    hugeint             -- sum of row hashes of those events
);
