-- mart_session_totals: mart_session_steps summed over every product of a session (one row per
-- session), for the queries that neither filter nor break down by product.
with
    steps as (select * from mart_session_steps),
    final as (
        select
            any_value(day) as day,
            session_key,
            any_value(user_key) as user_key,
            '(all)' as category,
            '(all)' as brand,
            '(all)' as price_band,
            any_value(traffic_source) as traffic_source,
            any_value(device) as device,
            bool_or(has_view) as has_view,
            bool_or(has_cart) as has_cart,
            bool_or(has_purchase) as has_purchase,
            cast(sum(count_purchases) as integer) as count_purchases,
            cast(sum(count_products_viewed) as integer) as count_products_viewed,
            cast(sum(count_products_view_cart) as integer) as count_products_view_cart,
            cast(sum(count_products_view_cart_purchase) as integer) as count_products_view_cart_purchase,
            cast(sum(count_products_view_purchase) as integer) as count_products_view_purchase,
            cast(sum(count_products_any_view_cart) as integer) as count_products_any_view_cart,
            cast(sum(count_products_any_view_cart_purchase) as integer) as count_products_any_view_cart_purchase,
            cast(sum(count_products_any_view_purchase) as integer) as count_products_any_view_purchase,
            cast(sum(count_purchases_view_cart_purchase) as integer) as count_purchases_view_cart_purchase,
            cast(sum(count_purchases_view_purchase) as integer) as count_purchases_view_purchase,
            cast(sum(count_purchases_any_view_cart_purchase) as integer) as count_purchases_any_view_cart_purchase,
            cast(sum(count_purchases_any_view_purchase) as integer) as count_purchases_any_view_purchase,
            min(min_cart_lag_s) as min_cart_lag_s,
            min(min_cart_purchase_lag_s) as min_cart_purchase_lag_s,
            min(min_purchase_lag_s) as min_purchase_lag_s
        from steps
        group by session_key
    )
select * from final
order by session_key
