-- Retention of first-purchase cohorts: the $cohorts weekly or monthly ($grain) cohorts up to the
-- end of the selected dates, and the share of each that bought in each later period up to then.
-- A customer's first purchase is their first under the category/brand/source/device filters.
with
    order_lines as (select * from mart_order_lines where is_order and user_key is not null),
    filtered as (
        select user_key, day
        from order_lines
        where day < cast($end as date)
            and matches_filters(category, brand, traffic_source, device, $categories, $brands, $traffic_sources, $devices)
    ),
    user_periods as (
        select distinct user_key, cast(date_trunc($grain, day) as date) as period
        from filtered
    ),
    last_period as (select cast(date_trunc($grain, cast($end as date) - 1) as date) as period),
    first_period as (
        select cast(case $grain
            when 'week' then period - to_weeks($cohorts - 1)
            else period - to_months($cohorts - 1)
        end as date) as period
        from last_period
    ),
    cohorts as (
        select user_key, min(period) as cohort
        from user_periods
        group by user_key
        having min(period) >= (select period from first_period)
    ),
    sizes as (select cohort, count(*) as cohort_users from cohorts group by cohort),
    activity as (
        select c.cohort, date_diff($grain, c.cohort, u.period) as periods_since, count(*) as active_users
        from cohorts c
        join user_periods u on u.user_key = c.user_key
        group by c.cohort, periods_since
    ),
    final as (
        select a.cohort, s.cohort_users, a.periods_since, a.active_users
        from activity a
        join sizes s on s.cohort = a.cohort
    )
select * from final
order by cohort, periods_since
