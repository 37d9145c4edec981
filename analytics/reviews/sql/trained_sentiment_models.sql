-- Models trained on our ratings (train-sentiment), newest first, with their held-out metrics.
with
    sentiment_models as (select * from sentiment_models),
    review_sentiment as (select model, count(*) as count_scored from review_sentiment group by model),
    final as (
        select m.model, m.base_model, m.trained_at, m.count_train, m.count_holdout, m.metrics,
            coalesce(s.count_scored, 0) as count_scored
        from sentiment_models m left join review_sentiment s using (model)
    )
select * from final order by trained_at desc
