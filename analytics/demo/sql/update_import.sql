-- Running totals of the demo import, updated in the same transaction as each chunk.
update imports
set rows_read = $rows, rows_written = $rows, notes = $notes
where import_id = $import_id
