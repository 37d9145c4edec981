-- Append staged reviews whose id is new; a review already stored is kept as it is.
insert into reviews by name
with
    staged as (select * from stage_reviews),
    existing as (select review_id from reviews),
    final as (select staged.*, $import_id as import_id from staged anti join existing using (review_id))
select * from final
