-- Users of $model who no longer have any text (relation current_user_texts: user_id) lose their embedding.
delete from user_embeddings
where model = $model and user_id not in (select user_id from current_user_texts)
