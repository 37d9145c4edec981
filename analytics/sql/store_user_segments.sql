-- Store a batch of users' segments (relation new_user_segments) for run $run_id.
insert into user_segments (run_id, user_id, segment_id, map_x, map_y, distance)
select $run_id, user_id, segment_id, map_x, map_y, distance from new_user_segments
