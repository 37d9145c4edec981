-- The import that already loaded a file with this SHA-256, if any (the upload preview says so).
with
    imports as (select * from imports),
    final as (
        select import_id, source_format, file_name, imported_at, actor
        from imports
        where file_sha256 = $file_sha256
    )
select * from final order by import_id limit 1
