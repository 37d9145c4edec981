-- Star-rated reviews with words: what train-sentiment learns from (the ratings are the labels).
with
    reviews as (select review_id, product_id, rating, title, text from reviews),
    rated as (
        select * from reviews
        where rating is not null
            and (nullif(trim(text), '') is not null or nullif(trim(title), '') is not null)
    ),
    final as (select * from rated)
select * from final order by review_id
