-- What advice searches: every product's titles, descriptions and bullets, and its reviews that
-- already have a stored vector of $model (reviews are many; embedding them all per request is not
-- affordable, so only those embedded at import count). vector is null where none is stored.
with
    knowledge as (
        select product_id, kind, text from product_knowledge
        where kind in ('title', 'description', 'bullet', 'review') and nullif(trim(text), '') is not null
    ),
    titles as (
        select product_id, 'title' as kind, title as text from products where nullif(trim(title), '') is not null
    ),
    texts as (select * from knowledge union select * from titles),
    final as (
        select t.product_id, t.kind, t.text, v.vector
        from texts as t
        left join evidence_vectors as v on v.text_hash = sha256(t.text) and v.model = $model
        where t.kind <> 'review' or v.vector is not null
    )
select * from final
order by product_id, kind, text
