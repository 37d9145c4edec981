-- Users who reached funnel step $step ('view', 'cart', 'purchase') and, when $not_step is set,
-- never reached that later step (e.g. abandoned carts: cart, not purchase) under the same
-- filters and options as funnel_steps.sql, whose step rules this repeats.
with
    totals as (select * from mart_session_totals),
    steps as (select * from mart_session_steps),
    chosen as (
        select * from totals where $categories is null and $brands is null
        union all
        select * from steps where not ($categories is null and $brands is null)
    ),
    users as (select * from users),
    user_keys as (select * from mart_users),
    filtered as (
        select *
        from chosen
        where day >= cast($start as date) and day < cast($end as date)
            and ($categories is null or list_contains($categories, category))
            and ($brands is null or list_contains($brands, brand))
            and ($traffic_sources is null or list_contains($traffic_sources, traffic_source))
            and ($devices is null or list_contains($devices, device))
    ),
    reached as (
        select
            user_key,
            has_view as at_view,
            case
                when $across_sessions then coalesce(min_cart_lag_s <= $window_s, false)
                when $any_order then count_products_any_view_cart > 0
                else count_products_view_cart > 0
            end as at_cart,
            case
                when $across_sessions and $cart_optional then coalesce(min_purchase_lag_s <= $window_s, false)
                when $across_sessions then coalesce(min_cart_purchase_lag_s <= $window_s, false)
                when $any_order and $cart_optional then count_products_any_view_purchase > 0
                when $any_order then count_products_any_view_cart_purchase > 0
                when $cart_optional then count_products_view_purchase > 0
                else count_products_view_cart_purchase > 0
            end as at_purchase
        from filtered
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
