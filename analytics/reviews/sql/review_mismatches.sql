-- Reviews whose words disagree with their stars under $model: 4-5 stars read as negative, or
-- 1-2 stars read as positive; the strongest disagreements first.
with
    filtered as (select * from reviews_in_scope($model, $start, $end, $categories, $brands)),
    mismatched as (
        select
            created_at, product, rating, score, label, title, text,
            case when rating >= 4 then 'stars high, words negative' else 'stars low, words positive' end
                as mismatch
        from filtered
        where (rating >= 4 and label = 'negative') or (rating <= 2 and label = 'positive')
    ),
    final as (select * from mismatched)
select * from final order by abs(score) desc, created_at desc limit 50
