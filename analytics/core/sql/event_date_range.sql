-- First and last event day (UTC) in the warehouse.
select
    cast(min(event_time) as date) as first_day,
    cast(max(event_time) as date) as last_day
from events
