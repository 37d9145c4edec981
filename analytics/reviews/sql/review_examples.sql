-- Example reviews behind the bars: reviews in $groups (values of $dimension; the page passes only
-- groups it may show), optionally only those mentioning $aspect or read as $label, strongest first.
with
    segments as (select user_id, segment_name as segment from latest_run_segments() where segment_name is not null),
    review_aspects as (select review_id, aspect from review_aspects where model = $model),
    filtered as (
        select r.*, coalesce(g.segment, '(none)') as segment
        from reviews_in_scope($model, $start, $end, $categories, $brands) r
        left join segments g using (user_id)
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
