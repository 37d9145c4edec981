-- The profiles of segmentation run $run_id, one row per segment, with their figures (JSON).
with
    segment_profiles as (select * from segment_profiles where run_id = $run_id),
    segment_figures as (select * from segment_figures where run_id = $run_id),
    final as (
        select
            segment_profiles.segment_id,
            segment_profiles.name,
            segment_profiles.count_users,
            segment_profiles.description,
            segment_profiles.traits,
            segment_figures.figures as profile
        from segment_profiles
        left join segment_figures using (segment_id)
    )
select * from final order by segment_id
