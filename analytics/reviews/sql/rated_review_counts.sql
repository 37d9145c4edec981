-- What train-sentiment would learn from: rated reviews with words, by class, and their products.
with
    reviews as (select * from reviews),
    rated as (
        select * from reviews
        where rating is not null and (nullif(trim(text), '') is not null or nullif(trim(title), '') is not null)
    ),
    final as (
        select
            count(*) filter (where rating >= 4) as count_positive,
            count(*) filter (where rating <= 2) as count_negative,
            count(distinct product_id) filter (where rating <> 3) as count_products
        from rated
    )
select * from final
