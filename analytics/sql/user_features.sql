-- One row per user with at least one event: recency, frequency, money, engagement, price level,
-- discount response, refunds, reviews and searches (analytics.features). Money is never summed
-- across currencies: currency is the one most of the user's purchases are in (else refunds; null
-- for users who never bought), and revenue counts purchases minus refunds in that currency only.
with
    events as (
        select user_id, event_time, event_type, session_id, product_id, quantity, price, currency, order_id
        from events
        where user_id is not null
    ),
    products as (select product_id, coalesce(category, '') as category, price as list_price from products),
    reviews as (select user_id, rating from reviews where user_id is not null),
    searches as (select user_id from searches where user_id is not null),
    as_of as (select max(event_time) as as_of_at from events),
    purchase_currencies as (
        select
            user_id,
            currency,
            count(*) filter (where event_type = 'purchase') as count_purchases,
            count(*) as count_money_events
        from events
        where event_type in ('purchase', 'refund')
        group by user_id, currency
    ),
    user_currencies as (
        select user_id, currency
        from purchase_currencies
        qualify row_number() over (
            partition by user_id order by count_purchases desc, count_money_events desc, currency nulls last
        ) = 1
    ),
    with_products as (
        select
            events.*,
            coalesce(products.category, '') as category,
            products.list_price,
            events.currency is not distinct from user_currencies.currency as is_user_currency
        from events
        left join products using (product_id)
        left join user_currencies using (user_id)
    ),
    product_prices as (
        -- the price a product is offered at: its list price, else the median price seen in events
        select with_products.product_id, any_value(with_products.category) as category,
            coalesce(any_value(with_products.list_price), median(with_products.price)) as reference_price
        from with_products
        where with_products.product_id is not null and coalesce(with_products.list_price, with_products.price) > 0
        group by with_products.product_id
    ),
    category_prices as (
        select category, median(reference_price) as median_price from product_prices group by category
    ),
    price_levels as (
        -- which tier of its categories a user looks at and buys: the geometric mean of (product's
        -- price / median price of the category's products); 1 is typical, discounts do not count
        select with_products.user_id, exp(avg(ln(product_prices.reference_price / category_prices.median_price)))
            as price_level
        from with_products
        join product_prices using (product_id)
        join category_prices on category_prices.category = product_prices.category
        where with_products.event_type in ('view', 'cart', 'purchase') and product_prices.reference_price > 0
        group by with_products.user_id
    ),
    activity as (
        select
            user_id,
            min(event_time) as first_event_at,
            max(event_time) as last_event_at,
            max(event_time) filter (where event_type = 'purchase') as last_purchase_at,
            count(*) as count_events,
            count(distinct session_id) as count_sessions,
            count(*) filter (where event_type = 'view') as count_views,
            count(*) filter (where event_type = 'cart') as count_carts,
            count(*) filter (where event_type = 'remove_from_cart') as count_removes,
            count(*) filter (where event_type = 'wishlist') as count_wishlists,
            count(*) filter (where event_type = 'purchase') as count_purchases,
            count(distinct coalesce(order_id, session_id, cast(event_time as varchar)))
                filter (where event_type = 'purchase') as count_orders,
            count(distinct session_id) filter (where event_type = 'purchase') as count_purchase_sessions,
            count(*) filter (where event_type = 'refund') as count_refunds,
            count(*) filter (where event_type = 'purchase' and list_price > 0 and price > 0) as count_priced_purchases,
            count(*) filter (
                where event_type = 'purchase' and list_price > 0 and price > 0 and price < 0.95 * list_price
            ) as count_discounted_purchases,
            sum(
                case
                    when event_type = 'purchase' then coalesce(quantity, 1) * price
                    when event_type = 'refund' then -abs(coalesce(quantity, 1) * price)
                end
            ) filter (where is_user_currency) as revenue
        from with_products
        group by user_id
    ),
    review_stats as (
        select user_id, count(*) as count_reviews, avg(rating) as avg_rating from reviews group by user_id
    ),
    search_stats as (select user_id, count(*) as count_searches from searches group by user_id),
    final as (
        select
            activity.user_id,
            user_currencies.currency,
            date_diff('second', activity.last_event_at, as_of.as_of_at) / 86400.0 as days_since_last_event,
            date_diff('second', activity.last_purchase_at, as_of.as_of_at) / 86400.0 as days_since_last_purchase,
            date_diff('second', activity.first_event_at, as_of.as_of_at) / 86400.0 as days_since_first_event,
            activity.count_events,
            activity.count_sessions,
            activity.count_views,
            activity.count_carts,
            activity.count_orders,
            activity.count_refunds,
            coalesce(activity.revenue, 0) as revenue,
            activity.revenue / nullif(activity.count_orders, 0) as avg_order_value,
            activity.count_views / nullif(activity.count_sessions, 0) as views_per_session,
            activity.count_carts / nullif(activity.count_views, 0) as cart_rate,
            activity.count_purchases / nullif(activity.count_views, 0) as purchase_rate,
            activity.count_wishlists / nullif(activity.count_views, 0) as wishlist_rate,
            activity.count_removes / nullif(activity.count_carts, 0) as remove_share,
            activity.count_refunds / nullif(activity.count_purchases, 0) as refund_share,
            activity.count_purchase_sessions / nullif(activity.count_sessions, 0) as purchase_session_rate,
            price_levels.price_level,
            activity.count_discounted_purchases / nullif(activity.count_priced_purchases, 0) as discount_share,
            coalesce(review_stats.count_reviews, 0) as count_reviews,
            coalesce(review_stats.count_reviews, 0) / nullif(activity.count_purchases, 0) as review_share,
            review_stats.avg_rating,
            coalesce(search_stats.count_searches, 0) as count_searches,
            coalesce(search_stats.count_searches, 0) / nullif(activity.count_sessions, 0) as searches_per_session
        from activity
        cross join as_of
        left join user_currencies using (user_id)
        left join price_levels using (user_id)
        left join review_stats using (user_id)
        left join search_stats using (user_id)
    )
select * from final order by user_id
