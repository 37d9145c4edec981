-- Each user's share of events per chosen affinity value (analytics.features): $categories,
-- $brands, $traffic_sources and $devices are the value lists from mix_values.sql. A share's
-- denominator is the user's events with any value of that dimension (all values, not only
-- the listed ones). user_row numbers users with events in user_id order, as user_features.sql
-- lists them; dimension_index is 0 category, 1 brand, 2 traffic source, 3 device; value_index
-- is the 1-based position in that dimension's list.
with
    events as (
        select user_id, product_id, traffic_source, device from events where user_id is not null
    ),
    products as (
        select product_id, nullif(split_part(category, '.', 1), '') as category, nullif(brand, '') as brand
        from products
    ),
    user_rows as (
        select user_id, row_number() over (order by user_id) - 1 as user_row
        from (select distinct user_id from events)
    ),
    labelled as (
        select events.user_id, products.category, products.brand, events.traffic_source, events.device
        from events
        left join products using (product_id)
    ),
    unpivoted as (
        select user_id, 0 as dimension_index, list_position($categories, category) as value_index
        from labelled where category is not null
        union all select user_id, 1, list_position($brands, brand) from labelled where brand is not null
        union all select user_id, 2, list_position($traffic_sources, traffic_source)
        from labelled where traffic_source is not null
        union all select user_id, 3, list_position($devices, device) from labelled where device is not null
    ),
    counted as (
        select user_id, dimension_index, value_index, count(*) as count_events
        from unpivoted
        group by user_id, dimension_index, value_index
    ),
    shares as (
        select
            *,
            count_events / sum(count_events) over (partition by user_id, dimension_index) as share
        from counted
    ),
    final as (
        select user_rows.user_row, shares.dimension_index, shares.value_index, shares.share
        from shares
        join user_rows using (user_id)
        where shares.value_index is not null and shares.value_index > 0
    )
select * from final
