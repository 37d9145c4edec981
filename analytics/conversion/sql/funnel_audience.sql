-- Users who reached funnel step $step ('view', 'cart', 'purchase') and, when $not_step is set,
-- never reached that later step (e.g. abandoned carts: cart, not purchase) under the same
-- filters, options and step rules (the funnel_sessions macro) as funnel_steps.sql.
with
    users as (select * from users),
    user_keys as (select * from mart_users),
    reached as (
        select user_key, at_view, at_cart, at_purchase
        from funnel_sessions(
            $start, $end, $categories, $brands, $traffic_sources, $devices, $categories is null and $brands is null,
            $across_sessions, $window_s, $any_order, $cart_optional
        )
    ),
    per_user as (
        select user_key, bool_or(at_view) as at_view, bool_or(at_cart) as at_cart, bool_or(at_purchase) as at_purchase
        from reached
        group by user_key
    ),
    selected_users as (
        select user_key
        from per_user
        where case $step when 'view' then at_view when 'cart' then at_cart when 'purchase' then at_purchase end
            and not coalesce(
                case $not_step when 'view' then at_view when 'cart' then at_cart when 'purchase' then at_purchase end,
                false)
    ),
    final as (
        select k.user_id, u.marketing_consent, u.country
        from selected_users c
        join user_keys k on k.user_key = c.user_key
        left join users u on u.user_id = k.user_id
    )
select * from final
order by user_id
