-- Products the assistant can answer about (any knowledge), with a label for the picker.
with
    known as (select distinct product_id from product_knowledge),
    final as (
        select k.product_id, coalesce(nullif(trim(p.title), ''), k.product_id) as title
        from known as k
        left join products as p using (product_id)
    )
select * from final
order by title, product_id
