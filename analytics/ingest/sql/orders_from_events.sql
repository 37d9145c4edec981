-- Orders implied by staged purchase events, for orders the format did not stage with its own
-- facts (Olist and UCI stage theirs): who, when, and the value of the items bought.
with
    purchases as (select * from stage_events where event_type = 'purchase' and order_id is not null),
    staged_orders as (select order_id from stage_orders where order_id is not null),
    per_order as (
        select
            order_id,
            min(user_id) as user_id,
            min(event_time) as ordered_at,
            sum(price * quantity) as items_value,
            min(currency) as currency
        from purchases
        group by order_id
    ),
    final as (
        select * from per_order where order_id not in (select order_id from staged_orders)
    )
select * from final
