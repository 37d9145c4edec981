-- Every event of a known user with its user's row and, per affinity dimension, a code: the
-- 1-based position of its value in $categories, $brands, $traffic_sources or $devices (the
-- lists from mix_values.sql), 0 for a value not in the list, -1 for no value. Python counts
-- codes per user (numpy bincount) into shares; that beats a group-by over (user, value) pairs.
-- user_row numbers users with events in user_id order, as user_features.sql lists them.
with
    events as not materialized (
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
    final as (
        select
            user_rows.user_row,
            -- array_position: null (DuckDB) or 0 (Spark) for a value not in the list, so coalesce to 0
            case when products.category is null then -1 else coalesce(array_position($categories, products.category), 0)
            end as category_code,
            case when products.brand is null then -1 else coalesce(array_position($brands, products.brand), 0)
            end as brand_code,
            case when events.traffic_source is null then -1
                else coalesce(array_position($traffic_sources, events.traffic_source), 0)
            end as traffic_source_code,
            case when events.device is null then -1 else coalesce(array_position($devices, events.device), 0)
            end as device_code
        from events
        left join products using (product_id)
        join user_rows using (user_id)
    )
select * from final
