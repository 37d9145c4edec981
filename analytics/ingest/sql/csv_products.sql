-- Generic CSV products: the attributes the mapping's [products] table names, the most frequent
-- value per product (the latest for price).
with
    source as (select * from ingest_csv where product_id is not null),
    final as (
        select
            product_id,
            mode(product_title) as title,
            mode(product_category) as category,
            mode(product_brand) as brand,
            arg_max(cast(product_price as double), source_row) filter (where product_price is not null) as price
        from source
        group by product_id
    )
select * from final
