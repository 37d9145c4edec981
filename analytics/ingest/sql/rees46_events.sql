-- REES46 / Open CDP events -> canonical events. Prices are USD; each cart, removal or purchase
-- is one unit; the purchases of one session form one order (REES46 has no order id).
with
    source as (select * from raw_rees46),
    typed as (
        select
            try_strptime(trim(event_time), $time_formats) as event_time,
            trim(event_type) as event_type,
            nullif(trim(user_id), '') as user_id,
            nullif(trim(user_session), '') as session_id,
            trim(product_id) as product_id,
            try_cast(nullif(trim(price), '') as double) as price
        from source
    ),
    final as (
        select
            event_time,
            event_type,
            user_id,
            session_id,
            product_id,
            case when event_type in ('cart', 'remove_from_cart', 'purchase') then 1 end as quantity,
            price,
            'USD' as currency,
            case when event_type = 'purchase' then session_id end as order_id
        from typed
    )
select * from final
