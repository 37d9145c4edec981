-- Whether a complete segmentation run exists (the Reviews page then offers a breakdown by segment).
with
    segment_runs as (select * from segment_runs),
    final as (select exists (select 1 from segment_runs where status = 'complete') as has_segments)
select * from final
