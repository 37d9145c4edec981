-- The 2-D map of run $run_id: the sampled users' coordinates and segments (no user ids).
with
    segment_map_points as (select * from segment_map_points where run_id = $run_id),
    final as (select segment_id, map_x, map_y from segment_map_points)
select * from final order by segment_id, map_x, map_y
