-- Drop $model's scores of the reviews $ids about to be scored again (an older version's scores).
delete from review_sentiment
where model = $model and list_contains($ids, review_id)
