-- Purchase days per (user, currency) with their net value: the transactions of the CLV model.
with
    order_lines as (select * from mart_order_lines where is_order and user_key is not null),
    final as (
        select currency, user_key, day, sum(revenue_gross - revenue_refunded) as value
        from order_lines
        group by currency, user_key, day
    )
select * from final
order by currency, user_key, day
