-- Example reviews behind the bars: reviews in $groups (values of $dimension; the page passes only
-- groups it may show), optionally only those mentioning $aspect or read as $label, strongest first.
with
    scored_reviews as (select * from scored_reviews where model = $model),
    latest_run as (select max(run_id) as run_id from segment_runs where status = 'complete'),
    segments as (
        select us.user_id, sp.name as segment
        from user_segments us
        join latest_run lr on lr.run_id = us.run_id
        join segment_profiles sp on sp.run_id = us.run_id and sp.segment_id = us.segment_id
    ),
    review_aspects as (select review_id, aspect from review_aspects where model = $model),
    filtered as (
        select r.*, coalesce(g.segment, '(none)') as segment
        from scored_reviews r left join segments g using (user_id)
        where created_at >= $start and created_at < $end
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
    ),
    in_group as (
        select * from filtered
        where list_contains($groups, case $dimension
                when 'category' then category
                when 'brand' then brand
                when 'product' then product
                when 'segment' then segment
            end)
    ),
    with_aspect as (
        select * from in_group g
        where $aspect is null
            or exists (select 1 from review_aspects a where a.review_id = g.review_id and a.aspect = $aspect)
    ),
    final as (
        select created_at, product, rating, label, score, title, text
        from with_aspect
        where $label is null or label = $label
    )
select * from final order by abs(score) desc, created_at desc limit 10
