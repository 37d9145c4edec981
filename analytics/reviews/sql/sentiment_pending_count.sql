-- How many reviews with words the given model (and version) has not scored yet; a title that
-- only restates the rating ($star_title) is no words.
with
    reviews as (select review_id, title, text from reviews),
    scored as (
        select review_id from review_sentiment
        where model = $model and model_version = $model_version
    ),
    pending as (
        select r.review_id from reviews r
        where (nullif(trim(r.text), '') is not null
                or (nullif(trim(r.title), '') is not null and not regexp_matches(r.title, $star_title, 'i')))
            and not exists (select 1 from scored s where s.review_id = r.review_id)
    ),
    final as (select count(*) as count_pending from pending)
select * from final
