-- Order-level facts the events table cannot hold (issue: real-data importers).
-- One row per order id seen in purchase events, with the source's order facts where it has
-- them: Olist gives status, delivery dates, freight and payments; UCI invoices their date and
-- value; event streams (REES46, Taobao) only what their purchase events imply.
create table orders (
    order_id               varchar primary key,
    user_id                varchar,            -- null: anonymous (UCI lines without CustomerID)
    status                 varchar,            -- the source's status (Olist: delivered, canceled, ...), else null
    ordered_at             timestamp not null,
    approved_at            timestamp,
    shipped_at             timestamp,          -- handed to the carrier
    delivered_at           timestamp,
    estimated_delivery_at  timestamp,
    items_value            double,             -- sum of unit price x quantity of the order's items
    freight_value          double,
    payment_value          double,             -- what was paid, where the source says (Olist payments)
    payment_types          varchar,            -- comma-separated, e.g. 'credit_card,voucher'
    currency               varchar,
    import_id              integer
);

-- A review may cover several orders (Olist repeats one review id across the orders it was
-- left for). reviews keeps one row per review; every link is kept here.
create table review_orders (
    review_id  varchar not null,
    order_id   varchar not null,
    primary key (review_id, order_id)
);
