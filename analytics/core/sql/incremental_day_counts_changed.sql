-- incremental_day_counts_changed: the rows of mart_day_counts that the touched users change, with
-- their new values (0: the row goes). mart_day_counts is a sum over users of what each user's
-- sessions contribute, so a row's new value is its old one plus the touched users' new
-- contribution (refresh_day_counts_new) minus their old one (refresh_day_counts_old).
with
    changes as (
        select grain, traffic_source, device, measure, day, prev_day, value from refresh_day_counts_new
        union all
        select grain, traffic_source, device, measure, day, prev_day, -value from refresh_day_counts_old
    ),
    delta as (
        select grain, traffic_source, device, measure, day, prev_day, sum(value) as value
        from changes
        group by grain, traffic_source, device, measure, day, prev_day
        having sum(value) <> 0
    ),
    final as (
        select d.grain, d.traffic_source, d.device, d.measure, d.day, d.prev_day,
            cast(coalesce(m.value, 0) + d.value as bigint) as value
        from delta as d
        left join mart_day_counts as m
            on m.grain = d.grain and m.traffic_source = d.traffic_source and m.device = d.device
            and m.measure = d.measure and m.day = d.day and m.prev_day is not distinct from d.prev_day
    )
select * from final
