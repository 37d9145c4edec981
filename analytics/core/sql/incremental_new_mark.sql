-- incremental_new_mark: mart_mark.sql's event totals for the appended events alone (refresh_new_events);
-- counts and sums of row hashes add up, so the new mark is the old one plus these.
select max(event_time) as last_event_time, count(*) as count_events,
    sum(cast(hash(e) as hugeint)) as events_fingerprint
from refresh_new_events as e
