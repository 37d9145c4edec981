-- How many aspect mentions the sentiment job has stored (0: aspects were not scored).
with
    review_aspects as (select review_id from review_aspects),
    final as (select count(*) as count_aspects from review_aspects)
select * from final
