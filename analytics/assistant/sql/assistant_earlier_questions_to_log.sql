-- Earlier Q&A rows with a question that the question log does not hold yet, with when they were
-- imported (an earlier question's own date is not in ePQA / hetPQA exports).
with
    earlier as (
        select q.qa_id, q.product_id, trim(q.question) as question, i.imported_at as asked_at
        from product_qa as q
        left join imports as i using (import_id)
        where nullif(trim(q.question), '') is not null
    ),
    final as (
        select e.*
        from earlier as e
        where not exists (select 1 from question_log as l where l.question_id = 'qa:' || e.qa_id)
    )
select * from final
order by qa_id
