-- Add newly embedded texts (relation new_text_embeddings: text_hash, embedding) to the cache.
insert into text_embeddings (model, text_hash, embedding, embedded_at)
select $model, text_hash, embedding, $at from new_text_embeddings
where text_hash not in (select text_hash from text_embeddings where model = $model)
