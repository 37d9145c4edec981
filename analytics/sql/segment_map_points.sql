-- The 2-D map of run $run_id: the sampled users' coordinates and segments (no user ids).
with
    user_segments as (select * from user_segments where run_id = $run_id and map_x is not null),
    final as (select segment_id, map_x, map_y from user_segments)
select * from final order by segment_id, map_x, map_y
