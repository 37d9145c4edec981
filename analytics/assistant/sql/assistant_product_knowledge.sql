-- Everything the assistant may cite about one product: documents, earlier Q&A and reviews.
with
    knowledge as (select * from product_knowledge where product_id = $product_id),
    final as (select kind, text, ref from knowledge where nullif(trim(text), '') is not null)
select * from final
order by kind, ref
