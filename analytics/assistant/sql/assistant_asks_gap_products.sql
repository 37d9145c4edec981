-- The $limit products with the most questions the catalog cannot answer (verdict unknown): what
-- to add to their descriptions. Each with its unanswered questions, most asked first.
with
    unanswered as (
        select product_id, question, topic
        from question_log
        where verdict = 'unknown'
    ),
    per_product as (
        select
            product_id,
            count(*) as unanswerable,
            string_agg(distinct topic, ', ' order by topic) as topics
        from unanswered
        group by product_id
    ),
    asked as (
        select product_id, count(*) as questions
        from question_log
        group by product_id
    ),
    top_products as (
        select g.*, a.questions
        from per_product as g
        join asked as a using (product_id)
        order by g.unanswerable desc, g.product_id
        limit $limit
    ),
    final as (
        select
            t.product_id,
            coalesce(p.title, t.product_id) as title,
            coalesce(split_part(p.category, '.', 1), '(none)') as category,
            t.unanswerable,
            t.questions,
            t.topics,
            u.question,
            count(*) as times_asked
        from top_products as t
        join unanswered as u using (product_id)
        left join products as p using (product_id)
        group by all
    )
select * from final
order by unanswerable desc, product_id, times_asked desc, question
