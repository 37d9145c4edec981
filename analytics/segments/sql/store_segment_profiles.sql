-- Store the profiles of run $run_id (relation new_segment_profiles).
insert into segment_profiles (run_id, segment_id, name, count_users, description, traits)
select $run_id, segment_id, name, count_users, description, traits from new_segment_profiles
