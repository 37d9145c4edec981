-- Questions of known customers per segment (latest complete segmentation) and topic: how many,
-- from how many distinct customers, and the share of answered ones the catalog cannot answer.
-- The page hides cells with fewer distinct askers than min_group_size.
with
    latest as (select max(run_id) as run_id from segment_runs where status = 'complete'),
    members as (
        select s.user_id, s.segment_id, coalesce(p.name, 'segment ' || s.segment_id) as segment
        from user_segments as s
        join latest as l on s.run_id = l.run_id
        left join segment_profiles as p on p.run_id = s.run_id and p.segment_id = s.segment_id
    ),
    asked as (
        select m.segment_id, m.segment, coalesce(l.topic, 'other') as topic, l.user_id, l.verdict
        from question_log as l
        join members as m using (user_id)
    ),
    final as (
        select
            segment_id,
            segment,
            topic,
            count(*) as questions,
            count(distinct user_id) as askers,
            count(verdict) as answered,
            count(*) filter (where verdict = 'unknown') as unanswerable
        from asked
        group by segment_id, segment, topic
    )
select *, round(unanswerable / nullif(answered, 0), 3) as share_unanswerable
from final
order by segment_id, questions desc, topic
