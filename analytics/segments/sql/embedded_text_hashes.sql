-- Texts already embedded by $model (the cache: each distinct text is embedded once per model).
with
    text_embeddings as (select model, text_hash from text_embeddings),
    final as (select text_hash from text_embeddings where model = $model)
select * from final
