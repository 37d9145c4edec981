-- Whether a table exists, for optional inputs such as review_sentiment (written by another
-- job and absent until it has run).
with
    tables as (select table_name from duckdb_tables() where table_name = $table_name),
    final as (select count(*) > 0 as is_present from tables)
select * from final
