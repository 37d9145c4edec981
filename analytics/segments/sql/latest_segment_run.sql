-- The latest complete segmentation run: the one pages, exports and drafts use.
with
    segment_runs as (select * from segment_runs),
    final as (
        select run_id, created_at, completed_at, k, seed, embedding_model, params, metrics
        from segment_runs
        where status = 'complete'
        order by run_id desc
        limit 1
    )
select * from final
