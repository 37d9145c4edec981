-- Fill attributes a known product lacks from the staged file; values already stored are kept.
update products
set
    title = coalesce(products.title, staged.title),
    category = coalesce(products.category, staged.category),
    brand = coalesce(products.brand, staged.brand),
    price = coalesce(products.price, staged.price)
from stage_products as staged
where products.product_id = staged.product_id
    and ((products.title is null and staged.title is not null)
        or (products.category is null and staged.category is not null)
        or (products.brand is null and staged.brand is not null)
        or (products.price is null and staged.price is not null))
