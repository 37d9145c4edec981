-- The imports row that records one import: which file (by SHA-256), how many rows, who, when.
insert into imports by name
with
    final as (
        select
            $import_id as import_id,
            $source_format as source_format,
            $file_name as file_name,
            $file_sha256 as file_sha256,
            $rows_read as rows_read,
            $rows_written as rows_written,
            $imported_at as imported_at,
            $actor as actor,
            $notes as notes
    )
select * from final
