-- The currency most purchases are made in: user money features count this currency only,
-- since money is never summed across currencies (null when purchases carry no currency).
with
    purchases as (select currency from events where event_type = 'purchase' and user_id is not null),
    counted as (select currency, count(*) as count_purchases from purchases group by currency),
    final as (select currency, count_purchases from counted order by count_purchases desc, currency nulls last limit 1)
select * from final
