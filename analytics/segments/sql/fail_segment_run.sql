-- Mark run $run_id failed (its partial rows are never shown: pages read complete runs only).
update segment_runs set status = 'failed', completed_at = $at where run_id = $run_id and status = 'running'
