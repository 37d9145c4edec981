-- Record a demo build in imports. Row totals start at 0 and grow with every chunk
-- (update_import), in the same transaction as the chunk.
insert into imports (
    import_id, source_format, file_name, file_sha256, rows_read, rows_written, imported_at, actor, notes
)
values ($import_id, 'demo', $file_name, $file_sha256, 0, 0, $imported_at, 'demo', $notes)
