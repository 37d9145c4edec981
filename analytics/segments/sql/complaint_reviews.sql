-- Reviews with a rating and some text, by known users: the material of segment complaints (analytics.complaints).
with
    reviews as (select user_id, rating, title, text from reviews where user_id is not null and rating is not null),
    final as (
        select user_id, rating, trim(concat_ws('. ', nullif(trim(title), ''), nullif(trim(text), ''))) as text
        from reviews
    )
select * from final where text <> ''
