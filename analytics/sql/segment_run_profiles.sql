-- The profiles of segmentation run $run_id, one row per segment.
with
    segment_profiles as (select * from segment_profiles where run_id = $run_id),
    final as (
        select segment_id, name, count_users, description, traits, profile
        from segment_profiles
    )
select * from final order by segment_id
