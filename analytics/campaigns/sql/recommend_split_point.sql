-- The default split of the offline evaluation: the purchase time that leaves the last
-- $test_share of purchases (by users) after it.
select quantile_disc(event_time, 1.0 - $test_share) as split_at
from events
where event_type = 'purchase' and user_id is not null and product_id is not null
