-- Append staged earlier Q&A whose id is new.
insert into product_qa by name
with
    staged as (select * from stage_product_qa),
    existing as (select qa_id from product_qa),
    final as (select staged.*, $import_id as import_id from staged anti join existing using (qa_id))
select * from final
