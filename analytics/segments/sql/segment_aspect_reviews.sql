-- Reviews scored by the most recently scoring sentiment model, by known users, with each aspect
-- the review talks about negatively (null when none): the material of segment complaints when
-- the sentiment job has found aspects (analytics.complaints).
with
    review_sentiment as (select review_id, model, scored_at from review_sentiment),
    review_aspects as (select review_id, model, aspect, label from review_aspects),
    reviews as (select review_id, user_id from reviews where user_id is not null),
    latest_model as (
        select model from review_sentiment group by model order by max(scored_at) desc, model limit 1
    ),
    scored as (
        select reviews.user_id, review_sentiment.review_id, review_sentiment.model
        from review_sentiment
        join latest_model using (model)
        join reviews using (review_id)
    ),
    final as (
        select scored.user_id, scored.review_id, review_aspects.aspect
        from scored
        left join review_aspects
            on review_aspects.review_id = scored.review_id
            and review_aspects.model = scored.model
            and review_aspects.label = 'negative'
    )
select * from final order by review_id, aspect
