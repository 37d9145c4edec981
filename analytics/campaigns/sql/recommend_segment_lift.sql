-- What segment $segment_id of run $run_id buys or carts more often than the run's users overall,
-- grouped one of two ways ($grouping):
--   'product': each product on its own, with at least $min_support of the segment's users: the
--              products to feature by their own lift (docs/RECOMMEND.md), the $limit best;
--   'group':   the categories and brands with a lift above 1 and at least $min_support of the
--              segment's users, each with its $limit best sellers across the shop (the products
--              bought by most users; their buyer counts stay here, so no group under the minimum
--              is shown).
-- A user counts once per group whether they carted, bought or both. z is the two-proportion
-- z-score of the segment's rate against the rest of the run's users, so the caller can keep only
-- clear over-indexing. Only events before $as_of count (null: all), for the offline evaluation.
with
    members as (select user_id, segment_id from user_segments where run_id = $run_id),
    sizes as (
        select
            count(*) as run_users,
            count(*) filter (where segment_id = $segment_id) as segment_size
        from members
    ),
    intent_events as (
        select events.user_id, members.segment_id, events.product_id
        from events
        join members using (user_id)
        where events.event_type in ('cart', 'purchase') and events.product_id is not null
            and ($as_of is null or events.event_time < $as_of)
    ),
    product_groups as (
        select product_id, 'category' as dimension, category as value from products where category is not null
        union all
        select product_id, 'brand' as dimension, brand as value from products where brand is not null
    ),
    intent as (
        select distinct user_id, segment_id, 'product' as dimension, product_id as value
        from intent_events
        where $grouping = 'product'
        union all
        select distinct intent_events.user_id, intent_events.segment_id, product_groups.dimension, product_groups.value
        from intent_events
        join product_groups using (product_id)
        where $grouping = 'group'
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
    supported as (
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
        where group_counts.segment_users >= $min_support
    ),
    product_rows as (
        select supported.*, supported.value as product_id, null::bigint as buyers, 1 as group_rank
        from supported
        where supported.dimension = 'product'
        qualify row_number() over (order by lift desc, segment_users desc, value) <= $limit
    ),
    buyers as (
        select product_id, count(distinct user_id) as buyers
        from events
        where $grouping = 'group' and event_type = 'purchase' and product_id is not null and user_id is not null
            and ($as_of is null or event_time < $as_of)
        group by all
    ),
    group_rows as (
        select
            supported.*,
            product_groups.product_id,
            buyers.buyers,
            row_number() over (
                partition by supported.dimension, supported.value order by buyers.buyers desc, product_groups.product_id
            ) as group_rank
        from supported
        join product_groups using (dimension, value)
        join buyers using (product_id)
        where supported.dimension <> 'product' and supported.lift > 1
        qualify group_rank <= $limit
    ),
    final as (
        select
            ranked.*,
            products.title,
            products.category,
            products.brand,
            products.price
        from (select * from product_rows union all select * from group_rows) as ranked
        left join products using (product_id)
    )
select * from final order by group_rank, lift desc, segment_users desc, dimension, value, product_id
