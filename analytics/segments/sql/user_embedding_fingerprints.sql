-- What each stored user embedding of $model was pooled from (texts_hash): unchanged users are skipped.
with
    user_embeddings as (select user_id, model, texts_hash from user_embeddings),
    final as (select user_id, texts_hash from user_embeddings where model = $model)
select * from final
