-- The user's segment in the latest complete segmentation run, and per product how many members
-- of that segment bought it (no rows when the user is in no segment).
with
    latest as (select max(run_id) as run_id from segment_runs where status = 'complete'),
    mine as (
        select s.run_id, s.segment_id
        from user_segments as s join latest as l on s.run_id = l.run_id
        where s.user_id = $user_id
    ),
    members as (
        select s.user_id, m.segment_id
        from user_segments as s join mine as m on s.run_id = m.run_id and s.segment_id = m.segment_id
    ),
    final as (
        select m.segment_id, e.product_id, count(distinct e.user_id) as segment_buyers
        from events as e join members as m using (user_id)
        where e.event_type = 'purchase' and e.product_id is not null
        group by m.segment_id, e.product_id
    )
select * from final
order by product_id
