-- Products of Q&A evidence rows, titled where the file gives a title.
with
    rows as (select product_id, title, data_row from ingest_pqa_rows),
    final as (
        select product_id, title, null::varchar as category, null::varchar as brand, null::double as price
        from rows
        qualify row_number() over (partition by product_id order by title is null, data_row) = 1
    )
select * from final
