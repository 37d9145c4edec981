-- The categories and brands segment $segment_id of run $run_id buys or carts in more often than
-- the run's users overall (lift above 1, at least $min_support of its users), each with its
-- $limit best sellers across the shop (the products bought by most users; their buyer counts
-- stay here, so no group under the minimum is shown). A user counts once per category or brand. z is the two-proportion z-score of the segment's
-- rate against the rest of the run's users, so the caller can keep only clear over-indexing.
-- Only events before $as_of count (null: all), for the offline evaluation.
with
    members as (select user_id, segment_id from user_segments where run_id = $run_id),
    sizes as (
        select
            count(*) as run_users,
            count(*) filter (where segment_id = $segment_id) as segment_size
        from members
    ),
    product_groups as (
        select product_id, 'category' as dimension, category as value from products where category is not null
        union all
        select product_id, 'brand' as dimension, brand as value from products where brand is not null
    ),
    intent as (
        select distinct events.user_id, members.segment_id, product_groups.dimension, product_groups.value
        from events
        join members using (user_id)
        join product_groups using (product_id)
        where events.event_type in ('cart', 'purchase') and ($as_of is null or events.event_time < $as_of)
    ),
    group_counts as (
        select
            dimension,
            value,
            count(*) filter (where segment_id = $segment_id) as segment_users,
            count(*) as run_users_of_group
        from intent
        group by all
    ),
    over_indexed as (
        select
            group_counts.dimension,
            group_counts.value,
            group_counts.segment_users,
            sizes.segment_size,
            group_counts.segment_users / sizes.segment_size as segment_rate,
            group_counts.run_users_of_group / sizes.run_users as overall_rate,
            segment_rate / overall_rate as lift,
            (segment_rate - (group_counts.run_users_of_group - group_counts.segment_users)
                / nullif(sizes.run_users - sizes.segment_size, 0))
            / sqrt(overall_rate * (1 - overall_rate) * (1 / sizes.segment_size
                + 1 / nullif(sizes.run_users - sizes.segment_size, 0))) as z
        from group_counts
        cross join sizes
        where group_counts.segment_users >= $min_support and lift > 1
    ),
    buyers as (
        select product_id, count(distinct user_id) as buyers
        from events
        where event_type = 'purchase' and product_id is not null and user_id is not null
            and ($as_of is null or event_time < $as_of)
        group by all
    ),
    best_sellers as (
        select
            over_indexed.*,
            product_groups.product_id,
            buyers.buyers,
            row_number() over (
                partition by over_indexed.dimension, over_indexed.value order by buyers.buyers desc, product_groups.product_id
            ) as group_rank
        from over_indexed
        join product_groups using (dimension, value)
        join buyers using (product_id)
        qualify group_rank <= $limit
    ),
    final as (
        select
            best_sellers.*,
            products.title,
            products.category,
            products.brand,
            products.price
        from best_sellers
        left join products using (product_id)
    )
select * from final order by group_rank, lift desc, segment_users desc, dimension, value, product_id
