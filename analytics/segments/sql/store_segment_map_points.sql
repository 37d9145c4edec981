-- Store the 2-D map sample of run $run_id (relation new_map_points: user_id, segment_id, map_x, map_y).
insert into segment_map_points (run_id, user_id, segment_id, map_x, map_y)
select $run_id, user_id, segment_id, map_x, map_y from new_map_points
