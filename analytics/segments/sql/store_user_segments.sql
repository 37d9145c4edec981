-- Store a batch of users' segments (relation new_user_segments: user_id, segment_id) for run $run_id.
insert into user_segments (run_id, user_id, segment_id)
select $run_id, user_id, segment_id from new_user_segments
