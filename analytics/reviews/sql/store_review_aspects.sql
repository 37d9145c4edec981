-- Store a batch of aspect mentions (relation aspect_batch, one row per review and aspect, columns
-- as review_aspects).
insert into review_aspects by name
select review_id, model, aspect, similarity, score, label, embedding_model from aspect_batch
