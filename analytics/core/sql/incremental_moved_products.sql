-- incremental_moved_products: the products of mart_products that refresh_mart_products (mart_products.sql
-- on today's catalog and events) puts in another category, brand or price band, or no longer holds:
-- the marts' rows of every session with such a product carry its old group. Price bands are catalog
-- quintiles, so new products can move the band edges and with them existing products.
select m.product_id
from mart_products as m
left join refresh_mart_products as r on r.product_id = m.product_id
where r.product_id is null
    or r.category <> m.category or r.brand <> m.brand or r.price_band <> m.price_band
