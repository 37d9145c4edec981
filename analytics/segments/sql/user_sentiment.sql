-- Average review sentiment per user from the most recently scoring model (review_sentiment is
-- written by the sentiment job; score in [-1, 1], 0 the decision boundary).
with
    review_sentiment as (select review_id, score, model, scored_at from review_sentiment),
    reviews as (select review_id, user_id from reviews where user_id is not null),
    latest_model as (
        select model from review_sentiment group by model order by max(scored_at) desc, model limit 1
    ),
    scored as (
        select reviews.user_id, review_sentiment.score
        from review_sentiment
        join latest_model using (model)
        join reviews using (review_id)
    ),
    final as (
        select user_id, avg(score) as avg_sentiment, count(*) as count_scored_reviews from scored group by user_id
    )
select * from final
