-- Purchase days per (user, currency) with their net value: the transactions of the CLV model.
with
    order_lines as (select * from mart_order_lines where is_order and user_key is not null),
    final as (
        -- in cents: a float sum depends on the order rows arrive in (threads, engines), and the
        -- model's fit turns that last-bit noise into different customer values
        select currency, user_key, day, round(sum(revenue_gross - revenue_refunded), 2) as value
        from order_lines
        group by currency, user_key, day
    )
select * from final
order by currency, user_key, day
