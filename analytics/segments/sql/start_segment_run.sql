-- Record a segmentation run as running; pages keep showing the latest complete run meanwhile.
insert into segment_runs (run_id, created_at, status, seed, params)
values ($run_id, $at, 'running', $seed, $params)
