-- Reviews from Q&A evidence rows: the text only (these sets carry no reviewer, rating or date).
with
    evidence as (select * from ingest_pqa_rows where kind = 'review'),
    identified as (
        select *, 'pqa-' || left(sha256(concat_ws(chr(31), product_id, text)), 24) as review_id
        from evidence
    ),
    final as (
        select review_id, null::varchar as user_id, product_id, null::varchar as order_id, null::integer as rating,
            null::varchar as title, text, null::timestamp as created_at, 'en' as language
        from identified
        qualify row_number() over (partition by review_id order by data_row) = 1
    )
select * from final
