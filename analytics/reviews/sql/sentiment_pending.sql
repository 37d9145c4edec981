-- Reviews with words that the given model (and version) has not scored yet, after a cursor, in id
-- order; a title that only restates the rating ($star_title) is no words.
with
    reviews as (select review_id, title, text from reviews),
    scored as (
        select review_id from review_sentiment
        where model = $model and model_version = $model_version
    ),
    with_words as (
        select * from reviews
        where nullif(trim(text), '') is not null
            or (nullif(trim(title), '') is not null and not regexp_matches(title, $star_title, 'i'))
    ),
    pending as (
        select w.* from with_words w
        where w.review_id > $after
            and not exists (select 1 from scored s where s.review_id = w.review_id)
    ),
    final as (select * from pending order by review_id limit $limit)
select * from final
