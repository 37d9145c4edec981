-- Distinct evidence texts of every product with no vector from this model yet.
with
    texts as (select distinct text from product_knowledge where nullif(trim(text), '') is not null),
    final as (
        select text from texts
        where sha256(text) not in (select text_hash from evidence_vectors where model = $model)
    )
select * from final
order by text
