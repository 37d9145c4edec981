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
            coalesce(list_position($categories, products.category), if(products.category is null, -1, 0))
                as category_code,
            coalesce(list_position($brands, products.brand), if(products.brand is null, -1, 0)) as brand_code,
            coalesce(list_position($traffic_sources, events.traffic_source), if(events.traffic_source is null, -1, 0))
                as traffic_source_code,
            coalesce(list_position($devices, events.device), if(events.device is null, -1, 0)) as device_code
        from events
        left join products using (product_id)
        join user_rows using (user_id)
    )
select * from final
