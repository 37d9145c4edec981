-- The stored vectors of the evidence texts of $product_ids for this model (texts without one are absent).
with
    knowledge as (select distinct text from product_knowledge where list_contains($product_ids, product_id)),
    final as (
        select k.text, v.vector
        from knowledge as k
        join evidence_vectors as v on v.text_hash = sha256(k.text) and v.model = $model
    )
select * from final
