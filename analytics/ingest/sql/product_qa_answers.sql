-- Earlier customer Q&A from evidence rows of kind qa: ePQA appends the earlier question after
-- " Question: "; hetPQA keeps only the answer.
with
    evidence as (select * from ingest_pqa_rows where kind = 'qa'),
    split as (
        select
            product_id,
            -- substring, not DuckDB's slice syntax, so the file reads the same on every engine
            case when strpos(text, ' Question: ') > 0 then trim(substring(text, 1, strpos(text, ' Question: ') - 1))
                else text end as answer,
            case when strpos(text, ' Question: ') > 0
                then nullif(trim(substring(text, strpos(text, ' Question: ') + 11)), '') end as question,
            source_ref,
            data_row
        from evidence
    ),
    identified as (
        select *, 'qa-' || left(sha256(concat_ws(chr(31), product_id, coalesce(question, ''), answer)), 24) as qa_id
        from split
        where answer <> ''
    ),
    final as (
        select qa_id, product_id, question, answer, source_ref
        from identified
        qualify row_number() over (partition by qa_id order by data_row) = 1
    )
select * from final
