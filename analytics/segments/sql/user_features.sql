-- One row per user with at least one event: recency, frequency, money, engagement, price level,
-- discount response, refunds, reviews and searches (analytics.features). Money is never summed
-- across currencies: currency is the one most of the user's purchases are in (else refunds; null
-- for users who never bought), and revenue counts purchases minus refunds in that currency only.
-- Events are first folded into sessions, then sessions into users: one pass over the events
-- instead of a count(distinct) per user. The events CTE is not materialized: each consumer
-- scans only the columns it needs, cheaper than copying 10M rows once.
with
    events as not materialized (
        select user_id, event_time, event_type, session_id, product_id, quantity, price, currency, order_id
        from events
        where user_id is not null
    ),
    products as (select product_id, coalesce(category, '') as category, price as list_price from products),
    reviews as (select user_id, rating from reviews where user_id is not null),
    searches as (select user_id from searches where user_id is not null),
    as_of as (select max(event_time) as as_of_at from events),
    money_events as (select * from events where event_type in ('purchase', 'refund')),
    purchase_currencies as (
        select
            user_id,
            currency,
            count(*) filter (where event_type = 'purchase') as count_purchases,
            count(*) as count_money_events
        from money_events
        group by user_id, currency
    ),
    user_currencies as (
        select user_id, currency
        from purchase_currencies
        qualify row_number() over (
            partition by user_id order by count_purchases desc, count_money_events desc, currency nulls last
        ) = 1
    ),
    money as (
        select
            money_events.user_id,
            sum(
                case
                    when event_type = 'purchase' then coalesce(quantity, 1) * price
                    else -abs(coalesce(quantity, 1) * price)
                end
            ) as revenue,
            count(distinct coalesce(order_id, session_id, cast(event_time as varchar)))
                filter (where event_type = 'purchase') as count_orders
        from money_events
        join user_currencies
            on user_currencies.user_id = money_events.user_id
            and user_currencies.currency is not distinct from money_events.currency
        group by money_events.user_id
    ),
    orders as (
        -- orders in any currency (money above counts the user's own currency only)
        select user_id, count(distinct coalesce(order_id, session_id, cast(event_time as varchar))) as count_orders
        from money_events
        where event_type = 'purchase'
        group by user_id
    ),
    discounts as (
        select
            money_events.user_id,
            count(*) filter (where products.list_price > 0 and money_events.price > 0) as count_priced_purchases,
            count(*) filter (
                where products.list_price > 0 and money_events.price > 0
                    and money_events.price < 0.95 * products.list_price
            ) as count_discounted_purchases
        from money_events
        join products using (product_id)
        where money_events.event_type = 'purchase'
        group by money_events.user_id
    ),
    listed_prices as (
        select product_id, category, list_price as reference_price from products where list_price > 0
    ),
    seen_prices as (
        -- products without a list price: the median price seen in events
        select events.product_id, any_value(products.category) as category, median(events.price) as reference_price
        from events
        left join products using (product_id)
        anti join listed_prices using (product_id)
        where events.product_id is not null and events.price > 0
        group by events.product_id
    ),
    product_prices as (
        -- the price a product is offered at: its list price, else the median price seen in events
        select * from listed_prices
        union all select * from seen_prices
    ),
    category_prices as (
        select coalesce(category, '') as category, median(reference_price) as median_price
        from product_prices
        group by coalesce(category, '')
    ),
    product_price_levels as (
        -- log of (product's price / median price of its category's products): 0 is typical
        select product_prices.product_id, ln(product_prices.reference_price / category_prices.median_price) as log_level
        from product_prices
        join category_prices on category_prices.category = coalesce(product_prices.category, '')
    ),
    sessions as (
        select
            events.user_id,
            events.session_id,
            min(events.event_time) as first_event_at,
            max(events.event_time) as last_event_at,
            max(events.event_time) filter (where events.event_type = 'purchase') as last_purchase_at,
            count(*) as count_events,
            count(*) filter (where events.event_type = 'view') as count_views,
            count(*) filter (where events.event_type = 'cart') as count_carts,
            count(*) filter (where events.event_type = 'remove_from_cart') as count_removes,
            count(*) filter (where events.event_type = 'wishlist') as count_wishlists,
            count(*) filter (where events.event_type = 'purchase') as count_purchases,
            count(*) filter (where events.event_type = 'refund') as count_refunds,
            -- price level: which tier of its categories a user looks at and buys (discounts do not count)
            sum(levels.log_level) filter (where events.event_type in ('view', 'cart', 'purchase')) as sum_log_level,
            count(levels.log_level) filter (where events.event_type in ('view', 'cart', 'purchase'))
                as count_priced_events
        from events
        left join product_price_levels as levels using (product_id)
        group by events.user_id, events.session_id
    ),
    activity as (
        select
            user_id,
            min(first_event_at) as first_event_at,
            max(last_event_at) as last_event_at,
            max(last_purchase_at) as last_purchase_at,
            sum(count_events) as count_events,
            count(session_id) as count_sessions,
            sum(count_views) as count_views,
            sum(count_carts) as count_carts,
            sum(count_removes) as count_removes,
            sum(count_wishlists) as count_wishlists,
            sum(count_purchases) as count_purchases,
            sum(count_refunds) as count_refunds,
            count(session_id) filter (where count_purchases > 0) as count_purchase_sessions,
            -- the geometric mean of the price ratios of the events with a price
            exp(sum(sum_log_level) / nullif(sum(count_priced_events), 0)) as price_level
        from sessions
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
            coalesce(orders.count_orders, 0) as count_orders,
            activity.count_refunds,
            coalesce(money.revenue, 0) as revenue,
            money.revenue / nullif(money.count_orders, 0) as avg_order_value,
            activity.count_views / nullif(activity.count_sessions, 0) as views_per_session,
            activity.count_carts / nullif(activity.count_views, 0) as cart_rate,
            activity.count_purchases / nullif(activity.count_views, 0) as purchase_rate,
            activity.count_wishlists / nullif(activity.count_views, 0) as wishlist_rate,
            activity.count_removes / nullif(activity.count_carts, 0) as remove_share,
            activity.count_refunds / nullif(activity.count_purchases, 0) as refund_share,
            activity.count_purchase_sessions / nullif(activity.count_sessions, 0) as purchase_session_rate,
            activity.price_level,
            discounts.count_discounted_purchases / nullif(discounts.count_priced_purchases, 0) as discount_share,
            coalesce(review_stats.count_reviews, 0) as count_reviews,
            coalesce(review_stats.count_reviews, 0) / nullif(activity.count_purchases, 0) as review_share,
            review_stats.avg_rating,
            coalesce(search_stats.count_searches, 0) as count_searches,
            coalesce(search_stats.count_searches, 0) / nullif(activity.count_sessions, 0) as searches_per_session
        from activity
        cross join as_of
        left join user_currencies using (user_id)
        left join money using (user_id)
        left join orders using (user_id)
        left join discounts using (user_id)
        left join review_stats using (user_id)
        left join search_stats using (user_id)
    )
select * from final order by user_id
