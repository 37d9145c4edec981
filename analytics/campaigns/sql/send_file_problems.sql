-- Problems a send log has on its own (checked in the preview too): the same user twice for one
-- campaign, an unsubscribe before the send. One row per check with its first offending row.
create or replace temp table ingest_send_file_problems as
with
    sends as (select * from ingest_sends),
    numbered as (
        select *,
            row_number() over (partition by campaign, user_id order by source_row) as nth,
            min(source_row) over (partition by campaign, user_id) as first_of_user
        from sends
    ),
    repeats as (
        select 'duplicate_in_file' as check_name, count(*) as count_rows, min(source_row) as first_row,
            arg_min(user_id, source_row) as found, arg_min(first_of_user, source_row) as other_row
        from numbered
        where nth > 1
    ),
    unsubscribed_early as (
        select 'unsubscribed_before_sent' as check_name, count(*) as count_rows, min(source_row) as first_row,
            arg_min(cast(unsubscribed_at as varchar), source_row) as found, null as other_row
        from sends
        where unsubscribed_at < sent_at
    ),
    final as (
        select * from repeats
        union all
        select * from unsubscribed_early
    )
select * from final
where count_rows > 0
