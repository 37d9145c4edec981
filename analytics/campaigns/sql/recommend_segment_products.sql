-- The products to feature for segment $segment_id of run $run_id: those its users bought or
-- carted more often than the run's users overall (lift), with at least $min_support of its users.
-- A user counts once per product whether they carted it, bought it or both (docs/RECOMMEND.md).
-- Only events before $as_of count (null: all), for the offline evaluation.
with
    members as (select user_id, segment_id from user_segments where run_id = $run_id),
    sizes as (
        select
            count(*) as run_users,
            count(*) filter (where segment_id = $segment_id) as segment_size
        from members
    ),
    intent as (
        select distinct events.user_id, events.product_id, members.segment_id
        from events
        join members using (user_id)
        where events.event_type in ('cart', 'purchase') and events.product_id is not null
            and ($as_of is null or events.event_time < $as_of)
    ),
    counts as (
        select
            product_id,
            count(*) filter (where segment_id = $segment_id) as segment_users,
            count(*) as run_users_of_product
        from intent
        group by all
    ),
    final as (
        select
            counts.product_id,
            products.title,
            products.category,
            products.brand,
            products.price,
            counts.segment_users,
            sizes.segment_size,
            counts.segment_users / sizes.segment_size as segment_rate,
            counts.run_users_of_product / sizes.run_users as overall_rate,
            segment_rate / overall_rate as lift
        from counts
        cross join sizes
        left join products using (product_id)
        where counts.segment_users >= $min_support
    )
select * from final order by lift desc, segment_users desc, product_id limit $limit
