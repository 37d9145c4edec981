-- Sources without order ids: the purchases of one session form one order.
update stage_events
set order_id = session_id
where event_type = 'purchase' and order_id is null and session_id is not null
