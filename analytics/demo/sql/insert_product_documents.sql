-- The demo catalog's descriptions and attributes (demo_product_documents), written in the first batch.
with
    documents as (select * from demo_product_documents),
    final as (select document_id, product_id, kind, text, source_ref from documents)
insert into product_documents (document_id, product_id, kind, text, source_ref, import_id)
select *, $import_id from final
