-- Staging view for the Reviews page: every scored review with what it can be grouped by.
-- A reviewer is the review's user, or the review itself when it has no user (it cannot be linked
-- to anyone else). Segments are joined by the queries that need them (segment tables come later).
create view scored_reviews as
select
    s.model,
    r.review_id,
    r.user_id,
    coalesce(r.user_id, 'review:' || r.review_id) as reviewer,
    r.rating,
    r.title,
    r.text,
    r.created_at,
    s.score,
    s.label,
    s.stars,
    coalesce(nullif(split_part(p.category, '.', 1), ''), '(none)') as category,
    coalesce(nullif(p.brand, ''), '(none)') as brand,
    coalesce(nullif(p.title, ''), r.product_id, '(none)') as product
from review_sentiment s
join reviews r using (review_id)
left join products p using (product_id);
