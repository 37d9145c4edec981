-- Store the figures of each segment of run $run_id (relation new_segment_profiles: segment_id, figures).
insert into segment_figures (run_id, segment_id, figures)
select $run_id, segment_id, figures from new_segment_profiles
