-- The $top_n most common values of each affinity dimension (top-level category, brand, traffic
-- source, device) by events of known users: the affinity columns of the user features.
with
    events as (
        select product_id, traffic_source, device from events where user_id is not null
    ),
    products as (
        select product_id, nullif(split_part(category, '.', 1), '') as category, nullif(brand, '') as brand
        from products
    ),
    labelled as (
        select products.category, products.brand, events.traffic_source, events.device
        from events
        left join products using (product_id)
    ),
    unpivoted as (
        select 'category' as dimension, category as value from labelled where category is not null
        union all select 'brand', brand from labelled where brand is not null
        union all select 'traffic_source', traffic_source from labelled where traffic_source is not null
        union all select 'device', device from labelled where device is not null
    ),
    counted as (select dimension, value, count(*) as count_events from unpivoted group by dimension, value),
    ranked as (
        select *, row_number() over (partition by dimension order by count_events desc, value) as value_rank
        from counted
    ),
    final as (select dimension, value, value_rank, count_events from ranked where value_rank <= $top_n)
select * from final order by dimension, value_rank
