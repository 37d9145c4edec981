-- Taobao items: only a numeric category id is known; it is used as the category.
with
    source as (select * from raw_taobao),
    typed as (
        select trim(item_id) as product_id, trim(category_id) as category, cast(trim("timestamp") as bigint) as ts
        from source
    ),
    final as (
        select product_id, arg_max(category, ts) as category
        from typed
        group by product_id
    )
select * from final
