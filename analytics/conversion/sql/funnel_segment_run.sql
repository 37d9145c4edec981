-- The latest complete segmentation run, whose segments the funnel can be broken down by.
with
    runs as (select * from segment_runs where status = 'complete'),
    final as (select max(run_id) as run_id, count(*) as count_runs from runs)
select * from final
