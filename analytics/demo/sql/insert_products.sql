-- The demo catalog (Arrow table demo_products), written once in the demo's first batch.
with
    catalog as (select * from demo_products),
    final as (select product_id, title, category, brand, price from catalog)
insert into products (product_id, title, category, brand, price)
select * from final
