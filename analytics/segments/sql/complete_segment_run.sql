-- Mark run $run_id complete with its k, text model (null without text) and evidence: from now on it is shown.
update segment_runs
set status = 'complete', completed_at = $at, k = $k, embedding_model = $embedding_model, metrics = $metrics
where run_id = $run_id
