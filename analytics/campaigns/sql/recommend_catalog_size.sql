-- The catalog the coverage metric divides by: every product listed or seen in events.
select count(*) as products
from (
    select product_id from products
    union
    select product_id from events where product_id is not null
)
