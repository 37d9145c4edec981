-- Canonical tables (DESIGN.md, "Data"). Timestamps are UTC, stored as TIMESTAMP.
-- Identifiers are VARCHAR: sources use integers, hex strings and ASINs alike.

create table imports (
    import_id      integer primary key,
    source_format  varchar not null,       -- demo, rees46, taobao, olist, online_retail, amazon_reviews, csv
    file_name      varchar not null,
    file_sha256    varchar not null,       -- the same file twice changes nothing
    rows_read      bigint not null,
    rows_written   bigint not null,
    imported_at    timestamp not null,
    actor          varchar not null,
    notes          varchar
);

create table products (
    product_id  varchar primary key,
    title       varchar,
    category    varchar,                   -- dotted path, e.g. apparel.shoes.sneakers
    brand       varchar,
    price       double                     -- list price in the product's currency
);

create table users (
    user_id            varchar primary key,
    first_seen         timestamp,
    country            varchar,
    marketing_consent  boolean,            -- null when the source does not say
    demo_type          varchar             -- hidden customer type, demo data only
);

create table events (
    event_time      timestamp not null,
    event_type      varchar not null check (event_type in
                        ('view', 'cart', 'remove_from_cart', 'purchase', 'refund', 'wishlist')),
    user_id         varchar,               -- null: anonymous (counted in revenue, not in user analytics)
    session_id      varchar,
    product_id      varchar,
    quantity        integer,
    price           double,                -- unit price
    currency        varchar,
    order_id        varchar,               -- set on purchases and refunds
    traffic_source  varchar,
    device          varchar,
    import_id       integer
);

create table reviews (
    review_id   varchar primary key,
    user_id     varchar,
    product_id  varchar,
    order_id    varchar,
    rating      integer check (rating between 1 and 5),
    title       varchar,
    text        varchar,
    created_at  timestamp,
    language    varchar,                   -- ISO 639-1 where known
    import_id   integer
);

create table searches (
    user_id      varchar,
    session_id   varchar,
    query        varchar not null,
    searched_at  timestamp not null,
    import_id    integer
);
