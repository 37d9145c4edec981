-- Products referenced by staged events or reviews that the format did not describe: bare rows,
-- so every event and review joins to a product.
with
    events as (select product_id from stage_events),
    reviews as (select product_id from stage_reviews),
    staged_products as (select product_id from stage_products where product_id is not null),
    referenced as (select * from events union select * from reviews),
    final as (
        select product_id from referenced
        where product_id is not null and product_id not in (select product_id from staged_products)
    )
select * from final
