-- Every titled product with what advice weighs besides relevance: its reviews' mean rating and
-- count, and how many distinct customers bought it (popularity).
with
    products as (select product_id, title, category, price from products where nullif(trim(title), '') is not null),
    ratings as (
        select product_id, avg(rating) as rating, count(rating) as ratings
        from reviews
        where product_id is not null and rating is not null
        group by product_id
    ),
    buyers as (
        select product_id, count(distinct user_id) as buyers
        from events
        where event_type = 'purchase' and user_id is not null and product_id is not null
        group by product_id
    ),
    final as (
        select p.product_id, p.title, p.category, p.price, r.rating, coalesce(r.ratings, 0) as ratings,
            coalesce(b.buyers, 0) as buyers
        from products as p
        left join ratings as r using (product_id)
        left join buyers as b using (product_id)
    )
select * from final
order by product_id
