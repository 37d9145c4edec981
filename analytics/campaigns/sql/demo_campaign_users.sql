-- Demo build only: each user of demo campaign $campaign_id with what the planted behaviour needs:
-- their storefront currency, main device, the product they viewed last before $start, and whether
-- they bought in the outcome window [$start, $end) without the campaign (the base shop's events).
with
    assignments as (select user_id, arm from campaign_assignments where campaign_id = $campaign_id),
    events as (
        select user_id, event_time, event_type, product_id, currency, device
        from events
        where user_id in (select user_id from assignments)
    ),
    devices as (
        select user_id, arg_max(device, (count_events, device)) as device
        from (select user_id, device, count(*) as count_events from events group by user_id, device)
        group by user_id
    ),
    per_user as (
        select user_id,
            min(currency) as currency,
            arg_max(product_id, (event_time, product_id)) filter (
                where event_type = 'view' and event_time < cast($start as timestamp)
            ) as last_viewed_product,
            bool_or(event_type = 'purchase' and event_time >= cast($start as timestamp)
                and event_time < cast($end as timestamp)) as is_converted_without_campaign
        from events
        group by user_id
    ),
    final as (
        select a.user_id, a.arm, p.currency, d.device, p.last_viewed_product,
            coalesce(p.is_converted_without_campaign, false) as is_converted_without_campaign
        from assignments a
        left join per_user p using (user_id)
        left join devices d using (user_id)
    )
select * from final
order by user_id
