-- Headline figures of review sentiment for $model inside the filters.
with
    filtered as (select * from reviews_in_scope($model, $start, $end, $categories, $brands)),
    final as (
        select
            count(*) as count_reviews,
            count(distinct reviewer) as count_reviewers,
            avg(score) as avg_score,
            avg(case when label = 'negative' then 1.0 else 0.0 end) as share_negative,
            avg(case when label = 'positive' then 1.0 else 0.0 end) as share_positive,
            avg(rating) as avg_rating
        from filtered
    )
select * from final
