-- Recency, frequency and monetary value per customer in one currency, as of the end of the
-- selected dates (all history before it), with 1-5 scores by quintile: a score is 1 + the
-- quintile of the share of customers ranked strictly below (ties share a score; 5 is best).
with
    order_lines as (select * from mart_order_lines where user_key is not null and currency = $currency),
    user_keys as (select * from mart_users),
    customer_value as (select * from mart_customer_value where currency = $currency),
    filtered as (
        select *
        from order_lines
        where day < cast($end as date)
            and matches_filters(category, brand, traffic_source, device, $categories, $brands, $traffic_sources, $devices)
    ),
    orders as (
        select user_key, order_key, max(day) as day, bool_or(is_order) as is_order,
            sum(revenue_gross - revenue_refunded) as revenue
        from filtered
        group by user_key, order_key
    ),
    per_user as (
        select user_key,
            date_diff('day', max(day) filter (where is_order), cast($end as date) - 1) as recency_days,
            count(*) filter (where is_order) as count_orders,
            -- in cents: float sums in another order must not turn a tie into two different scores
            round(sum(revenue), 2) as revenue
        from orders
        group by user_key
        having count(*) filter (where is_order) > 0
    ),
    scored as (
        select *,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by recency_days desc)) as integer)) as r_score,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by count_orders)) as integer)) as f_score,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by revenue)) as integer)) as m_score
        from per_user
    ),
    final as (
        select k.user_id, s.recency_days, s.count_orders, s.revenue, s.r_score, s.f_score, s.m_score,
            v.clv, 1 - v.p_alive as churn_risk
        from scored s
        join user_keys k on k.user_key = s.user_key
        left join customer_value v on v.user_key = s.user_key
    )
select * from final
order by user_id
