-- The id the next segmentation run takes: run ids increase with each run.
with
    segment_runs as (select run_id from segment_runs),
    final as (select coalesce(max(run_id), 0) + 1 as run_id from segment_runs)
select * from final
