-- Marts: small pre-aggregated tables the Overview and Conversion pages read on every interaction.
-- Built only from the canonical tables by analytics.core.marts.refresh (SQL in analytics/core/sql/mart_*.sql),
-- which the job runner calls after every job that changes canonical data. Never edited by hand.
-- Missing dimension values are stored as '(none)' so that group-bys and filters stay simple.

-- Dense integer keys for users: distinct counts over integers are several times faster than over text.
create table mart_users (
    user_key  integer primary key,
    user_id   varchar not null unique
);

-- Every product of the catalog or the events with an integer key, and the group it belongs to
-- for breakdowns: top-level category, brand and catalog price quintile.
create table mart_products (
    product_key  integer primary key,
    product_id   varchar not null unique,
    group_key    integer not null,       -- one per (category, brand, price_band)
    category     varchar not null,
    brand        varchar not null,
    price_band   varchar not null
);

-- Every session with an integer key, numbered in order of its first event, and the attributes
-- of that first event. Events without a session id get one pseudo-session per user and UTC day.
create table mart_sessions (
    session_key     integer primary key,
    user_key        integer not null,
    session_id      varchar not null,
    started_at      timestamp not null,
    day             date not null,
    traffic_source  varchar not null,
    device          varchar not null
);

-- One row per (session, product group): what the session did with products of that category,
-- brand and price band. Funnel flags are computed per (session, product) first and then summed,
-- so "the same product" rules stay exact after the roll-up.
create table mart_session_steps (
    day               date not null,         -- UTC day of the session's first event
    session_key       integer not null,
    user_key          integer not null,
    category          varchar not null,      -- top-level category of the products
    brand             varchar not null,
    price_band        varchar not null,      -- catalog price quintile, e.g. '3: 61 to 150'
    traffic_source    varchar not null,      -- of the session's first event
    device            varchar not null,      -- of the session's first event
    has_view          boolean not null,
    has_cart          boolean not null,
    has_purchase      boolean not null,
    count_purchases   integer not null,      -- purchase events of these products in the session
    -- (session, product) pairs, steps in time order within the session
    count_products_viewed                  integer not null,
    count_products_view_cart               integer not null,
    count_products_view_cart_purchase      integer not null,
    count_products_view_purchase           integer not null,  -- cart step optional
    -- (session, product) pairs, steps in any order within the session
    count_products_any_view_cart           integer not null,
    count_products_any_view_cart_purchase  integer not null,
    count_products_any_view_purchase       integer not null,
    -- purchase events of the pairs that reached the purchase step (repeat purchases counted)
    count_purchases_view_cart_purchase      integer not null,
    count_purchases_view_purchase           integer not null,
    count_purchases_any_view_cart_purchase  integer not null,
    count_purchases_any_view_purchase       integer not null,
    -- across sessions, from this session's first view of a product, over the user's later sessions:
    -- seconds to the first cart of it; the larger of that and the following cart-to-purchase gap
    -- (so "both steps within W" is "lag <= W"); seconds to the first purchase of it. Minimum over
    -- the group's products; null when the step never happened.
    min_cart_lag_s            double,
    min_cart_purchase_lag_s   double,
    min_purchase_lag_s        double
);

-- mart_session_steps summed over all products: one row per session, category, brand and
-- price_band '(all)'. Queries without a product filter or breakdown read this smaller table.
create table mart_session_totals as select * from mart_session_steps with no data;

-- One row per (order, product group): purchases net of the refunds of those purchases, dated by
-- the order. Refunds whose order is not in the data get their own rows (is_order false).
create table mart_order_lines (
    day               date not null,         -- UTC day of the purchase (of the refund when unmatched)
    order_key         integer not null,
    user_key          integer,               -- null: anonymous buyer (counted in revenue only)
    currency          varchar not null,
    category          varchar not null,
    brand             varchar not null,
    price_band        varchar not null,
    traffic_source    varchar not null,
    device            varchar not null,
    is_order          boolean not null,
    count_items       integer not null,
    revenue_gross     double not null,
    revenue_refunded  double not null
);

-- Buy-till-you-die customer value per (user, currency), fitted on all history (analytics.clv).
create table mart_customer_value (
    user_key              integer not null,
    currency              varchar not null,
    count_purchase_days   integer not null,  -- days with a purchase (the model's transactions)
    frequency             integer not null,  -- repeat purchase days
    recency_days          double not null,   -- first to last purchase day
    age_days              double not null,   -- first purchase day to the as-of day
    mean_repeat_value     double,            -- mean net value of repeat purchase days
    p_alive               double,
    expected_purchases    double,            -- purchase days expected over the horizon
    expected_value        double,            -- expected net value of one purchase day
    clv                   double,            -- expected_purchases * expected_value
    primary key (user_key, currency)
);

-- The fitted models, one row per currency, with their check on the shop's own recent history.
create table mart_clv_models (
    currency                     varchar primary key,
    as_of                        date not null,
    horizon_days                 integer not null,
    count_customers              integer not null,
    count_repeat_customers       integer not null,
    status                       varchar not null,   -- 'fitted' or why it was not
    params                       varchar,            -- JSON: r, alpha, a, b, p, q, gamma
    holdout_days                 integer,
    holdout_customers            integer,
    holdout_predicted_purchases  double,
    holdout_actual_purchases     double
);

-- When the marts were last rebuilt, and from how many events (stale marts are shown as such).
create table mart_refreshes (
    refreshed_at   timestamp not null,
    count_events   bigint not null,
    seconds        double not null
);
