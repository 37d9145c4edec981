-- Everything the assistant may cite about each of $product_ids (a batch of the question log).
with
    knowledge as (select * from product_knowledge where list_contains($product_ids, product_id)),
    final as (select product_id, kind, text, ref from knowledge where nullif(trim(text), '') is not null)
select * from final
order by product_id, kind, ref
