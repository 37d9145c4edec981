-- The users of segment $segment_id in run $run_id with their marketing consent (null: unknown),
-- for the export of a segment; the run id goes with every row.
with
    user_segments as (select * from user_segments where run_id = $run_id and segment_id = $segment_id),
    users as (select user_id, marketing_consent from users),
    final as (
        select user_segments.user_id, users.marketing_consent, user_segments.run_id, user_segments.segment_id
        from user_segments
        left join users using (user_id)
    )
select * from final order by user_id
