-- mart_products: an integer key for every product of the catalog or the events, and the group it
-- belongs to for breakdowns and filters: top-level category, brand, and the catalog price
-- quintile it falls in (edges rounded for labels). Products known only from events are '(none)'.
with
    catalog as (select * from products),
    event_products as (select distinct product_id from events where product_id is not null),
    products as (
        select coalesce(c.product_id, e.product_id) as product_id, c.category, c.brand, c.price
        from catalog c
        full outer join event_products e on e.product_id = c.product_id
    ),
    edges as (
        select quantile_cont(price, [0.2, 0.4, 0.6, 0.8]) as q
        from catalog where price > 0
    ),
    rounded_edges as (
        -- round each edge so that the label shows the exact boundary used
        select list_transform(q, lambda x: case when x >= 10 then round(x) else round(x, 2) end) as e
        from edges
    ),
    formatted as (
        select e, list_transform(e, lambda x: regexp_replace(cast(x as varchar), '\.0$', '')) as f
        from rounded_edges
    ),
    labels as (
        select e,
            [
                '1: under ' || f[1],
                '2: ' || f[1] || ' to ' || f[2],
                '3: ' || f[2] || ' to ' || f[3],
                '4: ' || f[3] || ' to ' || f[4],
                '5: ' || f[4] || ' and over'
            ] as names
        from formatted
    ),
    banded as (
        select
            p.product_id,
            coalesce(nullif(split_part(p.category, '.', 1), ''), '(none)') as category,
            coalesce(nullif(p.brand, ''), '(none)') as brand,
            case
                when p.price is null or p.price <= 0 or l.e is null then '(none)'
                else l.names[1 + (p.price >= l.e[1])::int + (p.price >= l.e[2])::int
                                + (p.price >= l.e[3])::int + (p.price >= l.e[4])::int]
            end as price_band
        from products p cross join labels l
    ),
    final as (
        select
            cast(row_number() over (order by product_id) as integer) as product_key,
            product_id,
            cast(dense_rank() over (order by category, brand, price_band) as integer) as group_key,
            category,
            brand,
            price_band
        from banded
    )
select * from final
