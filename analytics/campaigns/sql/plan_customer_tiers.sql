-- Recency and frequency scores of every customer as of $as_of (purchases before it), for the
-- holdout's strata: the RFM view's rule (1 + floor(5 x percent rank) among the customers of the
-- same currency, 5 best) on purchase events, so a plan drawn inside a job that has not rebuilt
-- the marts yet (the demo build) is stratified like one drawn later. A purchase without an
-- order id is its own order.
with
    purchases as (
        select user_id, currency, event_time,
            coalesce(order_id, 'event:' || cast(event_time as varchar) || ':' || coalesce(product_id, '')) as order_ref
        from events
        where event_type = 'purchase' and user_id is not null and event_time < cast($as_of as timestamp)
    ),
    orders as (
        select user_id, order_ref, any_value(currency) as currency, cast(min(event_time) as date) as day
        from purchases
        group by user_id, order_ref
    ),
    per_currency as (
        select user_id, currency, count(*) as count_orders, max(day) as last_day
        from orders
        group by user_id, currency
    ),
    main_currency as (
        -- a customer is scored in the currency of most of their orders (ties: the later one)
        select user_id, arg_max(currency, (count_orders, last_day)) as currency
        from per_currency
        group by user_id
    ),
    per_user as (
        select p.user_id, p.currency, p.count_orders,
            date_diff('day', p.last_day, cast($as_of as date) - 1) as recency_days
        from per_currency p
        join main_currency m using (user_id, currency)
    ),
    final as (
        select user_id, currency, recency_days, count_orders,
            least(5, 1 + cast(floor(5 * percent_rank() over (partition by currency order by recency_days desc)) as integer))
                as r_score,
            least(5, 1 + cast(floor(5 * percent_rank() over (partition by currency order by count_orders)) as integer))
                as f_score
        from per_user
    )
select * from final
order by user_id
