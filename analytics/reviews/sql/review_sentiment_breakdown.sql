-- Review sentiment for $model by $dimension (category, brand, product or segment) inside the filters.
with
    segments as (select user_id, segment_name as segment from latest_run_segments() where segment_name is not null),
    filtered as (
        select r.*, coalesce(g.segment, '(none)') as segment
        from reviews_in_scope($model, $start, $end, $categories, $brands) r
        left join segments g using (user_id)
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
