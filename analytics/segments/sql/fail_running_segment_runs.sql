-- Runs still 'running' when a new run starts were interrupted (one job writes at a time).
update segment_runs set status = 'failed', completed_at = $at where status = 'running'
