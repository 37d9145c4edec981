-- Drop the stored embeddings of $model for the users about to be rewritten (relation new_user_embeddings).
delete from user_embeddings
where model = $model and user_id in (select user_id from new_user_embeddings)
