-- The demo catalog's earlier customer questions and answers (demo_product_qa), written in the first batch.
with
    answers as (select * from demo_product_qa),
    final as (select qa_id, product_id, question, answer, source_ref from answers)
insert into product_qa (qa_id, product_id, question, answer, source_ref, import_id)
select *, $import_id from final
