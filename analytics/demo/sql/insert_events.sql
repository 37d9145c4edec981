-- Append one chunk of demo events. The chunk arrives as the Arrow table demo_chunk_events
-- with integer ids, formatted here; $import_id is the demo's import.
with
    chunk as (select * from demo_chunk_events),
    final as (
        select
            event_time,
            event_type,
            'u' || lpad(cast(user_n as varchar), 8, '0') as user_id,
            's' || lpad(cast(session_n as varchar), 9, '0') as session_id,
            product_id,
            quantity,
            price,
            currency,
            'o' || lpad(cast(order_n as varchar), 9, '0') as order_id,
            traffic_source,
            device,
            $import_id as import_id
        from chunk
    )
insert into events (
    event_time, event_type, user_id, session_id, product_id, quantity, price, currency, order_id,
    traffic_source, device, import_id
)
select * from final
