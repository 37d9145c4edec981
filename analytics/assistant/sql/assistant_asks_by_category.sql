-- Logged customer questions per top-level category and topic: how many, from how many known
-- customers, how many the current answers cover, and how many of those the catalog cannot answer
-- (verdict unknown). The page hides cells with fewer questions than min_group_size.
with
    asked as (
        select
            coalesce(split_part(p.category, '.', 1), '(none)') as category,
            coalesce(l.topic, 'other') as topic,
            l.user_id,
            l.verdict
        from question_log as l
        left join products as p using (product_id)
    ),
    final as (
        select
            category,
            topic,
            count(*) as questions,
            count(distinct user_id) as askers,
            count(verdict) as answered,
            count(*) filter (where verdict = 'unknown') as unanswerable
        from asked
        group by category, topic
    )
select *, round(unanswerable / nullif(answered, 0), 3) as share_unanswerable
from final
order by category, questions desc, topic
