-- Review sentiment for $model by $dimension (category, brand, product or segment) inside the filters.
with
    scored_reviews as (select * from scored_reviews where model = $model),
    latest_run as (select max(run_id) as run_id from segment_runs where status = 'complete'),
    segments as (
        select us.user_id, sp.name as segment
        from user_segments us
        join latest_run lr on lr.run_id = us.run_id
        join segment_profiles sp on sp.run_id = us.run_id and sp.segment_id = us.segment_id
    ),
    filtered as (
        select r.*, coalesce(g.segment, '(none)') as segment
        from scored_reviews r left join segments g using (user_id)
        where created_at >= $start and created_at < $end
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
    ),
    grouped as (
        select
            case $dimension
                when 'category' then category
                when 'brand' then brand
                when 'product' then product
                when 'segment' then segment
            end as group_name,
            count(*) as count_reviews,
            count(distinct reviewer) as count_reviewers,
            avg(score) as avg_score,
            avg(case when label = 'negative' then 1.0 else 0.0 end) as share_negative,
            avg(rating) as avg_rating
        from filtered
        group by all
    ),
    final as (select * from grouped)
select * from final order by count_reviews desc, group_name limit 50
