-- Earlier customer questions per top-level category and question, with how many products were
-- asked it (the "What customers ask" view; Q&A carries no user, so no segment split).
with
    asked as (
        select q.product_id, lower(trim(q.question)) as question, coalesce(split_part(p.category, '.', 1), '(none)') as category
        from product_qa as q
        left join products as p using (product_id)
        where nullif(trim(q.question), '') is not null
    ),
    final as (
        select category, question, count(*) as times_asked, count(distinct product_id) as products
        from asked
        group by category, question
    )
select * from final
order by times_asked desc, category, question
