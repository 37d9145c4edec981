-- Record a model trained on our ratings with its held-out metrics (a retrained folder replaces its row).
insert or replace into sentiment_models (model, base_model, trained_at, count_train, count_holdout, metrics)
values ($model, $base, $at, $train, $holdout, $metrics)
