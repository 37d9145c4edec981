-- incremental_first_days: each touched user's first day with a touched session; their day counts
-- change from that day on only.
select s.user_key, min(s.day) as first_day
from refresh_sessions as t
join mart_sessions as s on s.session_key = t.session_key
group by s.user_key
