-- REES46 products: the dotted category_code as category, the brand, and the latest non-zero price.
with
    source as (select * from raw_rees46),
    typed as (
        select
            trim(product_id) as product_id,
            nullif(trim(category_code), '') as category,
            nullif(trim(brand), '') as brand,
            try_cast(nullif(trim(price), '') as double) as price,
            try_strptime(trim(event_time), $time_formats) as event_time
        from source
    ),
    final as (
        select
            product_id,
            arg_max(category, event_time) filter (where category is not null) as category,
            arg_max(brand, event_time) filter (where brand is not null) as brand,
            arg_max(price, event_time) filter (where price > 0) as price
        from typed
        group by product_id
    )
select * from final
