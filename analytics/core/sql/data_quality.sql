-- Data-quality checks shown on the Data page: one row per check with the rows it flags.
with
    events as (select * from events),
    products as (select * from products),
    reviews as (select * from reviews),
    users as (select * from users),
    duplicate_events as (
        select sum(copies - 1) as n from (
            select count(*) as copies from events
            group by event_time, event_type, user_id, session_id, product_id,
                quantity, price, currency, order_id, traffic_source, device
            having count(*) > 1
        )
    ),
    checks as (
        select 'anonymous_events' as check_name, 'info' as severity,
            (select count(*) from events where user_id is null) as count_rows,
            'events without a user id: counted in revenue, left out of user analytics' as definition
        union all select 'purchases_without_price', 'warning',
            (select count(*) from events where event_type = 'purchase' and (price is null or price <= 0)),
            'purchases with no unit price or a price of zero or less'
        union all select 'purchases_without_order', 'warning',
            (select count(*) from events where event_type in ('purchase', 'refund') and order_id is null),
            'purchases or refunds without an order id'
        union all select 'unknown_products', 'warning',
            (select count(*) from events e where e.product_id is not null
                and not exists (select 1 from products p where p.product_id = e.product_id)),
            'events whose product is missing from the product table'
        union all select 'duplicate_events', 'warning',
            (select cast(coalesce(n, 0) as bigint) from duplicate_events),
            'extra copies of events identical in every field'
        union all select 'future_events', 'warning',
            (select count(*) from events where event_time > now()::timestamp + interval 1 day),
            'events dated more than a day in the future'
        union all select 'reviews_without_text', 'info',
            (select count(*) from reviews where text is null or trim(text) = ''),
            'reviews with a rating but no text (not scored for sentiment)'
        union all select 'events_without_session', 'info',
            (select count(*) from events where session_id is null),
            'events without a session id'
        union all select 'currencies', 'info',
            (select count(distinct currency) from events where currency is not null),
            'distinct currencies: revenue is shown per currency, never summed across them'
    ),
    final as (select * from checks)
select * from final
