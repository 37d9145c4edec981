-- Append review-to-order links not stored yet.
insert into review_orders by name
with
    staged as (select review_id, order_id from stage_review_orders),
    stored as (select review_id, order_id from review_orders),
    final as (select * from staged except select * from stored)
select * from final
