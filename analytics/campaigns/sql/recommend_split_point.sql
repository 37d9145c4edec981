-- The default split of the offline evaluation: the purchase time that leaves the last
-- $test_share of purchases (by users) after it. The discrete quantile written with ranks (the
-- first time at or past the share): the same value as DuckDB's quantile_disc, and portable, where
-- Spark's percentile_disc takes numbers only.
with
    purchases as (
        select event_time
        from events
        where event_type = 'purchase' and user_id is not null and product_id is not null
    ),
    ranked as (
        select event_time,
            row_number() over (order by event_time) as position,
            count(*) over () as total
        from purchases
    ),
    final as (
        select min(event_time) as split_at
        from ranked
        where position >= greatest(1, ceil(total * (1.0 - $test_share)))
    )
select * from final
