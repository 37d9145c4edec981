-- Currencies with customer orders, the largest (by customers) first: RFM is per currency.
with
    order_lines as (select * from mart_order_lines where is_order and user_key is not null),
    final as (
        select currency, count(distinct user_key) as count_customers
        from order_lines
        group by currency
    )
select * from final
order by count_customers desc, currency
