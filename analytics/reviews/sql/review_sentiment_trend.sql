-- Weekly review sentiment for $model inside the filters.
with
    filtered as (select * from reviews_in_scope($model, $start, $end, $categories, $brands)),
    weekly as (
        select
            date_trunc('week', created_at)::date as week_start,
            count(*) as count_reviews,
            count(distinct reviewer) as count_reviewers,
            avg(score) as avg_score,
            avg(case when label = 'negative' then 1.0 else 0.0 end) as share_negative
        from filtered
        group by all
    ),
    final as (select * from weekly)
select * from final order by week_start
