-- Store a batch of scores (relation scored_batch, one row per review, columns as review_sentiment).
insert into review_sentiment by name
select review_id, model, model_version, score, label, stars, chunks, scored_at from scored_batch
