-- mart_day_counts: the traffic and funnel counts of mart_session_totals per day, for the default
-- Overview and Conversion views and for a filter or breakdown by traffic source or device; exact
-- for any date range. Table shape: analytics/core/migrations/090_mart_day_counts.sql.
--
-- One row per (grain, group, measure, day, prev_day). A grain names the column grouped by ('all':
-- none, 'traffic_source', 'device'); the other column is '(all)'. Session, product and purchase
-- measures add up over days: their rows have prev_day null and value the day's sum. User measures
-- are distinct counts, which do not add up over days: for every user, group and day with the step
-- reached, prev_day is the user's previous day with that step in the same group (null for the
-- first), and value counts the users sharing (day, prev_day). The distinct users over days
-- [first, last] are then exactly the rows with first <= day <= last and (prev_day is null or
-- prev_day < first): each user is counted on their first day in the range, so a page query sums
-- ~77k rows (default view, 50M events) instead of grouping ~4.8M sessions by user. The grains by product
-- columns were measured too costly to build (bench/RESULTS.md); those queries read the fine marts.
with
    session_totals as (select * from mart_session_totals),
    groups as (
        -- one integer key per (grain, group): sorting and grouping on it is much cheaper than on text
        select 0 as group_key, 'all' as grain, '(all)' as traffic_source, '(all)' as device
        union all
        select 1000 + cast(row_number() over (order by traffic_source) as integer), 'traffic_source', traffic_source,
            '(all)'
        from (select distinct traffic_source from session_totals) as sources
        union all
        select 2000 + cast(row_number() over (order by device) as integer), 'device', '(all)', device
        from (select distinct device from session_totals) as devices
    ),
    sessions as (
        -- a session's flags over all its products (one row per session already), with its group keys
        select t.user_key, t.day, s.group_key as source_key, d.group_key as device_key,
            t.has_view, t.has_cart, t.has_purchase,
            t.count_products_view_cart > 0 as reached_view_cart,
            t.count_products_any_view_cart > 0 as reached_any_view_cart,
            t.count_products_view_cart_purchase > 0 as reached_view_cart_purchase,
            t.count_products_view_purchase > 0 as reached_view_purchase,
            t.count_products_any_view_cart_purchase > 0 as reached_any_view_cart_purchase,
            t.count_products_any_view_purchase > 0 as reached_any_view_purchase,
            t.count_products_viewed, t.count_products_view_cart, t.count_products_any_view_cart,
            t.count_products_view_cart_purchase, t.count_products_view_purchase,
            t.count_products_any_view_cart_purchase, t.count_products_any_view_purchase,
            t.count_purchases_view_cart_purchase, t.count_purchases_view_purchase,
            t.count_purchases_any_view_cart_purchase, t.count_purchases_any_view_purchase
        from session_totals t
        join groups s on s.grain = 'traffic_source' and s.traffic_source = t.traffic_source
        join groups d on d.grain = 'device' and d.device = t.device
    ),
    user_days as (
        -- the steps a user reached on a day, in the whole shop (group 0), their traffic source and
        -- their device: one bit per step (a single bit_or costs much less than a bool_or per step,
        -- and the window below carries one column for all eight). Grouping sets read the sessions
        -- once for the three grains instead of fanning every session out three times; a set's
        -- rows have null for the key it leaves out (never null in sessions, an inner join).
        select coalesce(source_key, device_key, 0) as group_key,
            user_key, day,
            bit_or(
                case when has_purchase then 1 else 0 end
                + case when has_view then 2 else 0 end
                + case when reached_view_cart then 4 else 0 end
                + case when reached_any_view_cart then 8 else 0 end
                + case when reached_view_cart_purchase then 16 else 0 end
                + case when reached_view_purchase then 32 else 0 end
                + case when reached_any_view_cart_purchase then 64 else 0 end
                + case when reached_any_view_purchase then 128 else 0 end
            ) as steps
        from sessions
        group by grouping sets ((user_key, day), (user_key, day, source_key), (user_key, day, device_key))
    ),
    previous_days as (
        -- a user's previous day (with each step) in the group: their days are strictly increasing
        -- (one user_days row per day), so it is the last earlier day with the step, which lag
        -- ignoring nulls finds without the framed max() over every earlier row
        select group_key, day, steps,
            lag(day) over earlier as prev_visit,
            lag(case when (steps & 1) > 0 then day end ignore nulls) over earlier as prev_purchase,
            lag(case when (steps & 2) > 0 then day end ignore nulls) over earlier as prev_view,
            lag(case when (steps & 4) > 0 then day end ignore nulls) over earlier as prev_view_cart,
            lag(case when (steps & 8) > 0 then day end ignore nulls) over earlier as prev_any_view_cart,
            lag(case when (steps & 16) > 0 then day end ignore nulls) over earlier as prev_view_cart_purchase,
            lag(case when (steps & 32) > 0 then day end ignore nulls) over earlier as prev_view_purchase,
            lag(case when (steps & 64) > 0 then day end ignore nulls) over earlier as prev_any_view_cart_purchase,
            lag(case when (steps & 128) > 0 then day end ignore nulls) over earlier as prev_any_view_purchase
        from user_days
        window earlier as (partition by group_key, user_key order by day)
    ),
    user_counts as (
        -- each user measure: users per (group, day, previous day with the step); step bits as in user_days
        select group_key, 'visitors' as measure, day, prev_visit as prev_day, count(*) as value
        from previous_days
        group by group_key, day, prev_visit
        union all
        select group_key, 'purchasers', day, prev_purchase, count(*)
        from previous_days where (steps & 1) > 0
        group by group_key, day, prev_purchase
        union all
        select group_key, 'users_view', day, prev_view, count(*)
        from previous_days where (steps & 2) > 0
        group by group_key, day, prev_view
        union all
        select group_key, 'users_view_cart', day, prev_view_cart, count(*)
        from previous_days where (steps & 4) > 0
        group by group_key, day, prev_view_cart
        union all
        select group_key, 'users_any_view_cart', day, prev_any_view_cart, count(*)
        from previous_days where (steps & 8) > 0
        group by group_key, day, prev_any_view_cart
        union all
        select group_key, 'users_view_cart_purchase', day, prev_view_cart_purchase, count(*)
        from previous_days where (steps & 16) > 0
        group by group_key, day, prev_view_cart_purchase
        union all
        select group_key, 'users_view_purchase', day, prev_view_purchase, count(*)
        from previous_days where (steps & 32) > 0
        group by group_key, day, prev_view_purchase
        union all
        select group_key, 'users_any_view_cart_purchase', day, prev_any_view_cart_purchase, count(*)
        from previous_days where (steps & 64) > 0
        group by group_key, day, prev_any_view_cart_purchase
        union all
        select group_key, 'users_any_view_purchase', day, prev_any_view_purchase, count(*)
        from previous_days where (steps & 128) > 0
        group by group_key, day, prev_any_view_purchase
    ),
    group_day_sums as (
        -- the additive measures per day, traffic source and device (a few thousand rows): day_sums
        -- adds them up per grain, so the sessions are read once for all three
        select day, source_key, device_key,
            count(*) as sessions,
            count(*) filter (where has_purchase) as purchasing_sessions,
            count(*) filter (where has_cart) as carting_sessions,
            count(*) filter (where has_cart and has_purchase) as carting_purchasing_sessions,
            count(*) filter (where has_view) as sessions_view,
            count(*) filter (where reached_view_cart) as sessions_view_cart,
            count(*) filter (where reached_any_view_cart) as sessions_any_view_cart,
            count(*) filter (where reached_view_cart_purchase) as sessions_view_cart_purchase,
            count(*) filter (where reached_view_purchase) as sessions_view_purchase,
            count(*) filter (where reached_any_view_cart_purchase) as sessions_any_view_cart_purchase,
            count(*) filter (where reached_any_view_purchase) as sessions_any_view_purchase,
            sum(count_products_viewed) as products_view,
            sum(count_products_view_cart) as products_view_cart,
            sum(count_products_any_view_cart) as products_any_view_cart,
            sum(count_products_view_cart_purchase) as products_view_cart_purchase,
            sum(count_products_view_purchase) as products_view_purchase,
            sum(count_products_any_view_cart_purchase) as products_any_view_cart_purchase,
            sum(count_products_any_view_purchase) as products_any_view_purchase,
            sum(count_purchases_view_cart_purchase) as purchases_view_cart_purchase,
            sum(count_purchases_view_purchase) as purchases_view_purchase,
            sum(count_purchases_any_view_cart_purchase) as purchases_any_view_cart_purchase,
            sum(count_purchases_any_view_purchase) as purchases_any_view_purchase
        from sessions
        group by day, source_key, device_key
    ),
    day_sums as (
        -- the whole shop, each traffic source and each device
        -- a set's keys only: the other key is null there (and never null in sessions, an inner join)
        select coalesce(source_key, device_key, 0) as group_key,
            day,
            sum(sessions) as sessions,
            sum(purchasing_sessions) as purchasing_sessions,
            sum(carting_sessions) as carting_sessions,
            sum(carting_purchasing_sessions) as carting_purchasing_sessions,
            sum(sessions_view) as sessions_view,
            sum(sessions_view_cart) as sessions_view_cart,
            sum(sessions_any_view_cart) as sessions_any_view_cart,
            sum(sessions_view_cart_purchase) as sessions_view_cart_purchase,
            sum(sessions_view_purchase) as sessions_view_purchase,
            sum(sessions_any_view_cart_purchase) as sessions_any_view_cart_purchase,
            sum(sessions_any_view_purchase) as sessions_any_view_purchase,
            sum(products_view) as products_view,
            sum(products_view_cart) as products_view_cart,
            sum(products_any_view_cart) as products_any_view_cart,
            sum(products_view_cart_purchase) as products_view_cart_purchase,
            sum(products_view_purchase) as products_view_purchase,
            sum(products_any_view_cart_purchase) as products_any_view_cart_purchase,
            sum(products_any_view_purchase) as products_any_view_purchase,
            sum(purchases_view_cart_purchase) as purchases_view_cart_purchase,
            sum(purchases_view_purchase) as purchases_view_purchase,
            sum(purchases_any_view_cart_purchase) as purchases_any_view_cart_purchase,
            sum(purchases_any_view_purchase) as purchases_any_view_purchase
        from group_day_sums
        group by grouping sets ((day), (day, source_key), (day, device_key))
    ),
    sum_rows as (
        -- the additive measures, one row per (group, measure, day)
        select group_key, 'sessions' as measure, day, cast(null as date) as prev_day, sessions as value
        from day_sums where sessions > 0
        union all
        select group_key, 'purchasing_sessions', day, cast(null as date), purchasing_sessions
        from day_sums where purchasing_sessions > 0
        union all
        select group_key, 'carting_sessions', day, cast(null as date), carting_sessions
        from day_sums where carting_sessions > 0
        union all
        select group_key, 'carting_purchasing_sessions', day, cast(null as date), carting_purchasing_sessions
        from day_sums where carting_purchasing_sessions > 0
        union all
        select group_key, 'sessions_view', day, cast(null as date), sessions_view
        from day_sums where sessions_view > 0
        union all
        select group_key, 'sessions_view_cart', day, cast(null as date), sessions_view_cart
        from day_sums where sessions_view_cart > 0
        union all
        select group_key, 'sessions_any_view_cart', day, cast(null as date), sessions_any_view_cart
        from day_sums where sessions_any_view_cart > 0
        union all
        select group_key, 'sessions_view_cart_purchase', day, cast(null as date), sessions_view_cart_purchase
        from day_sums where sessions_view_cart_purchase > 0
        union all
        select group_key, 'sessions_view_purchase', day, cast(null as date), sessions_view_purchase
        from day_sums where sessions_view_purchase > 0
        union all
        select group_key, 'sessions_any_view_cart_purchase', day, cast(null as date), sessions_any_view_cart_purchase
        from day_sums where sessions_any_view_cart_purchase > 0
        union all
        select group_key, 'sessions_any_view_purchase', day, cast(null as date), sessions_any_view_purchase
        from day_sums where sessions_any_view_purchase > 0
        union all
        select group_key, 'products_view', day, cast(null as date), products_view
        from day_sums where products_view > 0
        union all
        select group_key, 'products_view_cart', day, cast(null as date), products_view_cart
        from day_sums where products_view_cart > 0
        union all
        select group_key, 'products_any_view_cart', day, cast(null as date), products_any_view_cart
        from day_sums where products_any_view_cart > 0
        union all
        select group_key, 'products_view_cart_purchase', day, cast(null as date), products_view_cart_purchase
        from day_sums where products_view_cart_purchase > 0
        union all
        select group_key, 'products_view_purchase', day, cast(null as date), products_view_purchase
        from day_sums where products_view_purchase > 0
        union all
        select group_key, 'products_any_view_cart_purchase', day, cast(null as date), products_any_view_cart_purchase
        from day_sums where products_any_view_cart_purchase > 0
        union all
        select group_key, 'products_any_view_purchase', day, cast(null as date), products_any_view_purchase
        from day_sums where products_any_view_purchase > 0
        union all
        select group_key, 'purchases_view_cart_purchase', day, cast(null as date), purchases_view_cart_purchase
        from day_sums where purchases_view_cart_purchase > 0
        union all
        select group_key, 'purchases_view_purchase', day, cast(null as date), purchases_view_purchase
        from day_sums where purchases_view_purchase > 0
        union all
        select group_key, 'purchases_any_view_cart_purchase', day, cast(null as date), purchases_any_view_cart_purchase
        from day_sums where purchases_any_view_cart_purchase > 0
        union all
        select group_key, 'purchases_any_view_purchase', day, cast(null as date), purchases_any_view_purchase
        from day_sums where purchases_any_view_purchase > 0
    ),
    counts as (
        select * from user_counts
        union all
        select * from sum_rows
    ),
    final as (
        select g.grain, g.traffic_source, g.device, c.measure, c.day, c.prev_day, cast(c.value as bigint) as value
        from counts c
        join groups g on g.group_key = c.group_key
    )
select * from final
order by grain, day, measure, traffic_source, device, prev_day
