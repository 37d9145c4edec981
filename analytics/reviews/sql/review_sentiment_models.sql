-- Models that have scored reviews, newest first, with held-out metrics when trained on our ratings.
with
    review_sentiment as (select * from review_sentiment),
    sentiment_models as (select * from sentiment_models),
    scored as (
        select model, count(*) as count_scored, max(scored_at) as last_scored_at
        from review_sentiment group by model
    ),
    final as (
        select s.model, s.count_scored, s.last_scored_at, m.trained_at, m.metrics
        from scored s left join sentiment_models m using (model)
    )
select * from final order by last_scored_at desc, model
