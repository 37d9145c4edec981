-- The newest imports (including demo builds): what was loaded, when, by whom.
with
    imports as (select * from imports),
    final as (
        select import_id, source_format, file_name, rows_read, rows_written, imported_at, actor
        from imports
    )
select * from final order by import_id desc limit 20
