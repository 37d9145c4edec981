-- Store recomputed user embeddings (relation new_user_embeddings: user_id, embedding, count_texts, texts_hash).
insert into user_embeddings (user_id, model, embedding, count_texts, texts_hash, computed_at)
select user_id, $model, embedding, count_texts, texts_hash, $at from new_user_embeddings
