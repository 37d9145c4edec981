-- Net revenue per user of campaign $campaign_id and currency, in the outcome window [$start, $end)
-- and in the pre-period [$pre_start, $start): purchases less their refunds (mart_order_lines), so
-- money is never summed across currencies. Users without any such line have no row (revenue 0).
with
    assignments as (select user_id from campaign_assignments where campaign_id = $campaign_id),
    user_keys as (select user_key, user_id from mart_users),
    order_lines as (
        select user_key, currency, day, revenue_gross - revenue_refunded as revenue
        from mart_order_lines
        where user_key is not null and day >= cast($pre_start as date) and day < cast($end as date)
    ),
    final as (
        select a.user_id, o.currency,
            coalesce(sum(o.revenue) filter (where o.day >= cast($start as date)), 0) as revenue,
            coalesce(sum(o.revenue) filter (where o.day < cast($start as date)), 0) as revenue_pre
        from assignments a
        join user_keys k using (user_id)
        join order_lines o using (user_key)
        group by a.user_id, o.currency
    )
select * from final
order by user_id, currency
