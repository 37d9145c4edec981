-- How many reviews with words the given model (and version) has not scored yet (the
-- unscored_reviews macro).
with
    pending as (select review_id from unscored_reviews($model, $model_version, $star_title)),
    final as (select count(*) as count_pending from pending)
select * from final
