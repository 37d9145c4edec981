-- Append staged product documents whose id is new (the same text twice is one document).
insert into product_documents by name
with
    staged as (select * from stage_product_documents),
    existing as (select document_id from product_documents),
    final as (select staged.*, $import_id as import_id from staged anti join existing using (document_id))
select * from final
