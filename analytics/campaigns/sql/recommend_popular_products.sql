-- The $k products bought by the most users before $as_of (null: all), most first: the baseline
-- list of the per-segment evaluation (analytics.campaigns.recommend.evaluate_segments).
with
    purchases as (
        select user_id, product_id
        from events
        where event_type = 'purchase' and user_id is not null and product_id is not null
            and ($as_of is null or event_time < $as_of)
    ),
    final as (select product_id, count(distinct user_id) as buyers from purchases group by all)
select * from final order by buyers desc, product_id limit $k
