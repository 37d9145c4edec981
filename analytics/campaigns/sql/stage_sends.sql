-- Import of a send log (format sends): the raw rows of raw_sends, trimmed and typed, with their
-- data row number (1-based) so every problem names its line. Times in $formats, read as UTC.
create or replace temp table ingest_sends as
with
    source as (select rowid + 1 as source_row, * from raw_sends),
    final as (
        select
            source_row,
            trim(user_id) as user_id,
            trim(campaign) as campaign,
            trim(variant) as variant,
            try_strptime(trim(sent_at), $formats) as sent_at,
            try_strptime(nullif(trim(unsubscribed_at), ''), $formats) as unsubscribed_at
        from source
    )
select * from final
