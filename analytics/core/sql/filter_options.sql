-- Values offered by the shared sidebar filters, with the event date range.
with
    events as (select * from events),
    products as (select * from products),
    categories as (
        select distinct split_part(category, '.', 1) as value
        from products where category is not null and category <> ''
    ),
    brands as (
        select brand as value, count(*) as count_events
        from events join products using (product_id)
        where brand is not null and brand <> ''
        group by brand order by count_events desc limit 300
    ),
    sources as (select distinct traffic_source as value from events where traffic_source is not null),
    devices as (select distinct device as value from events where device is not null),
    final as (
        select 'category' as filter, value from categories
        union all select 'brand', value from brands
        union all select 'traffic_source', value from sources
        union all select 'device', value from devices
    )
select * from final order by filter, value
