-- Append staged orders whose id is new; an order already stored is kept as it is.
insert into orders by name
with
    staged as (select * from stage_orders),
    existing as (select order_id from orders),
    final as (select staged.*, $import_id as import_id from staged anti join existing using (order_id))
select * from final
