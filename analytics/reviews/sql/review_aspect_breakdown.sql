-- What reviews talk about (aspects found by $model's job) and how they feel about it, inside the filters.
with
    review_aspects as (select * from review_aspects where model = $model),
    filtered as (select * from reviews_in_scope($model, $start, $end, $categories, $brands)),
    mentions as (
        select
            a.aspect,
            count(*) as count_mentions,
            count(distinct f.reviewer) as count_reviewers,
            count(*) filter (where a.label = 'negative') as count_negative,
            count(*) filter (where a.label = 'neutral') as count_neutral,
            count(*) filter (where a.label = 'positive') as count_positive,
            avg(a.score) as avg_score
        from review_aspects a join filtered f using (review_id)
        group by all
    ),
    final as (select * from mentions)
select * from final order by count_negative desc, aspect
