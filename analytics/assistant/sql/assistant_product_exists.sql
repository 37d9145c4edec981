-- Whether a product id is in the catalog (products) or has any knowledge at all.
with
    catalog as (select product_id from products where product_id = $product_id),
    known as (select product_id from product_knowledge where product_id = $product_id limit 1),
    final as (select count(*) > 0 as found from (select * from catalog union all select * from known))
select * from final
