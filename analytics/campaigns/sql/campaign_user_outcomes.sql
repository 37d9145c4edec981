-- Every user of campaign $campaign_id with their arm, orders in the outcome window [$start, $end)
-- and in the pre-period [$pre_start, $start) (the CUPED covariate), and what was sent to them.
-- Orders are those of mart_order_lines (purchases net of their refunds; refund-only rows are not
-- orders), dated by the UTC day of the order.
with
    assignments as (select user_id, arm, stratum from campaign_assignments where campaign_id = $campaign_id),
    user_keys as (select user_key, user_id from mart_users),
    order_lines as (
        select user_key, order_key, day
        from mart_order_lines
        where is_order and user_key is not null
            and day >= cast($pre_start as date) and day < cast($end as date)
    ),
    per_user as (
        select user_key,
            count(distinct order_key) filter (where day >= cast($start as date)) as count_orders,
            count(distinct order_key) filter (where day < cast($start as date)) as count_orders_pre
        from order_lines
        group by user_key
    ),
    sends as (
        select user_id, variant as sent_variant, sent_at, unsubscribed_at
        from campaign_sends
        where campaign_id = $campaign_id
    ),
    final as (
        select a.user_id, a.arm, a.stratum,
            coalesce(p.count_orders, 0) as count_orders,
            coalesce(p.count_orders_pre, 0) as count_orders_pre,
            s.sent_variant, s.sent_at,
            s.unsubscribed_at is not null as is_unsubscribed
        from assignments a
        left join user_keys k using (user_id)
        left join per_user p using (user_key)
        left join sends s using (user_id)
    )
select * from final
order by user_id
