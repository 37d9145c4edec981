-- Append staged products the warehouse does not have yet.
insert into products by name
with
    staged as (select * from stage_products),
    existing as (select product_id from products),
    final as (select staged.* from staged anti join existing using (product_id))
select * from final
