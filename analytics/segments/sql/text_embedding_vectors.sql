-- Every cached text vector of $model.
with
    text_embeddings as (select model, text_hash, embedding from text_embeddings),
    final as (select text_hash, embedding from text_embeddings where model = $model)
select * from final
