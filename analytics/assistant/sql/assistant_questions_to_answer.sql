-- Logged questions the assistant $answered_by has not answered, a product's questions together,
-- customers' own questions first. own_text is an earlier Q&A row's evidence text exactly as
-- product_knowledge shows it: the job leaves it out of that question's evidence.
with
    pending as (
        select l.question_id, l.product_id, l.question, l.source, l.qa_id
        from question_log as l
        where l.answered_by is distinct from $answered_by
    ),
    final as (
        select
            p.question_id,
            p.product_id,
            p.question,
            q.answer || coalesce(' (asked: ' || q.question || ')', '') as own_text,
            exists (select 1 from products as c where c.product_id = p.product_id) as in_catalog,
            p.source = 'earlier_qa' as earlier
        from pending as p
        left join product_qa as q using (qa_id)
    )
select question_id, product_id, question, own_text, in_catalog
from final
order by earlier, product_id, question_id
