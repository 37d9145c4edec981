-- Taobao UserBehavior -> canonical events: pv is a view, fav a wishlist addition, buy a purchase.
-- No prices, sessions or orders: sessions are derived afterwards (30-minute gap) and each
-- session's purchases form one order.
with
    source as (select * from raw_taobao),
    typed as (
        select
            make_timestamp(cast(trim("timestamp") as bigint) * 1000000) as event_time,
            trim(behavior_type) as behavior_type,
            trim(user_id) as user_id,
            trim(item_id) as product_id
        from source
    ),
    final as (
        select
            event_time,
            case behavior_type when 'pv' then 'view' when 'fav' then 'wishlist' when 'buy' then 'purchase'
                else behavior_type end as event_type,
            user_id,
            product_id,
            case when behavior_type in ('cart', 'buy') then 1 end as quantity
        from typed
    )
select * from final
