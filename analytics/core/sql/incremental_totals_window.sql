-- incremental_totals_window: the touched users' session totals (refresh_old_totals; the refreshed ones
-- are read through this file too) on the days their day counts are recomputed over: every day from
-- their first touched one (refresh_first_days), and the earlier days those read (refresh_earlier_days).
with
    from_first_day as (
        select t.*
        from refresh_old_totals as t
        join refresh_first_days as f on f.user_key = t.user_key
        where t.day >= f.first_day
    ),
    earlier as (
        select t.*
        from refresh_old_totals as t
        join refresh_earlier_days as d on d.user_key = t.user_key and d.day = t.day
    ),
    final as (
        select * from from_first_day
        union all
        select * from earlier
    )
select * from final
