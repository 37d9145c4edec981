-- Generic CSV -> events (ingest_csv holds the mapped columns under canonical names, event types
-- already translated). Without a quantity column a cart, removal, purchase or refund is one unit.
with
    source as (select * from ingest_csv),
    final as (
        select
            event_time,
            event_type,
            user_id,
            session_id,
            product_id,
            coalesce(cast(quantity as integer),
                case when event_type in ('cart', 'remove_from_cart', 'purchase', 'refund') then 1 end) as quantity,
            cast(price as double) as price,
            currency,
            order_id,
            traffic_source,
            device
        from source
    )
select * from final
