-- The daily roll-up the Overview and Conversion pages read for their default views (and for a
-- breakdown or filter by traffic source or device): per (grain, group, measure, day, prev_day), built
-- from mart_session_totals by analytics/core/sql/mart_day_counts.sql, which says how user counts stay
-- exact over any date range. At 50M events mart_session_totals holds ~13M rows, this ~1M.
create table mart_day_counts (
    grain           varchar not null,   -- 'all', 'traffic_source' or 'device': the column grouped by
    traffic_source  varchar not null,   -- '(all)' outside the traffic_source grain
    device          varchar not null,   -- '(all)' outside the device grain
    measure         varchar not null,   -- e.g. 'visitors', 'sessions_view', 'users_view_cart_purchase'
    day             date not null,
    prev_day        date,               -- user measures: the users' previous day with the step; else null
    value           bigint not null     -- users (user measures) or the day's sum
);
