-- Whether a table exists, for optional inputs such as review_sentiment (written by another
-- job and absent until it has run).
with
    -- the standard catalogue (not duckdb_tables()), so the file reads the same on every engine
    tables as (
        select table_name from information_schema.tables
        where table_name = $table_name and table_type = 'BASE TABLE'
    ),
    final as (select count(*) > 0 as is_present from tables)
select * from final
