-- Olist orders with the person who placed them (customer_unique_id: Olist gives every order a new
-- customer_id) and their times converted from Brazil local time (America/Sao_Paulo) to UTC.
with
    orders as (select * from raw_olist_orders),
    customers as (select trim(customer_id) as customer_id, trim(customer_unique_id) as user_id from raw_olist_customers),
    typed as (
        select
            trim(orders.order_id) as order_id,
            customers.user_id,
            trim(orders.order_status) as status,
            try_strptime(nullif(trim(order_purchase_timestamp), ''), $time_formats) as ordered_local,
            try_strptime(nullif(trim(order_approved_at), ''), $time_formats) as approved_local,
            try_strptime(nullif(trim(order_delivered_carrier_date), ''), $time_formats) as shipped_local,
            try_strptime(nullif(trim(order_delivered_customer_date), ''), $time_formats) as delivered_local,
            try_strptime(nullif(trim(order_estimated_delivery_date), ''), $time_formats) as estimated_local
        from orders
        join customers on customers.customer_id = trim(orders.customer_id)
    ),
    final as (
        select
            order_id,
            user_id,
            status,
            timezone('UTC', timezone('America/Sao_Paulo', ordered_local)) as ordered_at,
            timezone('UTC', timezone('America/Sao_Paulo', approved_local)) as approved_at,
            timezone('UTC', timezone('America/Sao_Paulo', shipped_local)) as shipped_at,
            timezone('UTC', timezone('America/Sao_Paulo', delivered_local)) as delivered_at,
            timezone('UTC', timezone('America/Sao_Paulo', estimated_local)) as estimated_delivery_at
        from typed
    )
select * from final
