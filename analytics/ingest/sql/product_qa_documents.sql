-- Product documents from Q&A evidence rows: descriptions, bullets, readable attributes and one
-- title per product; the same text of one product and kind is one document (first row wins).
with
    evidence as (
        select product_id, kind, text, source_ref, data_row
        from ingest_pqa_rows
        where kind in ('description', 'bullet', 'attribute')
    ),
    titles as (
        select product_id, 'title' as kind, title as text, source_ref, data_row
        from ingest_pqa_rows
        where title is not null
    ),
    combined as (select * from evidence union all select * from titles),
    identified as (
        select *, 'doc-' || left(sha256(concat_ws(chr(31), product_id, kind, text)), 24) as document_id
        from combined
    ),
    final as (
        select document_id, product_id, kind, text, source_ref
        from identified
        qualify row_number() over (partition by document_id order by data_row) = 1
    )
select * from final
