-- Every (review, order) link of the Olist reviews file.
with
    reviews as (select trim(review_id) as review_id, trim(order_id) as order_id from raw_olist_reviews),
    final as (select distinct review_id, order_id from reviews)
select * from final
