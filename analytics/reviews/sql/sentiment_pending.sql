-- Reviews with words that the given model (and version) has not scored yet (the unscored_reviews
-- macro), after a cursor, in id order.
with
    pending as (select * from unscored_reviews($model, $model_version, $star_title) where review_id > $after),
    final as (select * from pending order by review_id limit $limit)
select * from final
