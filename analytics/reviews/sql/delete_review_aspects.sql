-- Drop $model's aspect mentions of the reviews $ids about to be scored again.
delete from review_aspects
where model = $model and list_contains($ids, review_id)
