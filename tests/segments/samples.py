"""Load the real samples of ../shared/data into canonical tables with plain DuckDB SQL.

A test-side mapping (following DESIGN.md's identity rules) so the segmentation tests do not
depend on the importers being built in parallel; it maps only what segmentation reads.
"""

from __future__ import annotations

import duckdb

from tests.conftest import shared_sample


def load_rees46(con: duckdb.DuckDBPyConnection) -> None:
    """REES46 events: exact duplicate rows dropped, sessions from user_session, prices in USD."""
    path = shared_sample("rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz")
    con.execute(f"""
        create temp table raw_rees46 as
        select distinct * from read_csv('{path}', header = true, all_varchar = true)
    """)
    con.execute("""
        insert into products
        select product_id, null, any_value(nullif(category_code, '')), any_value(nullif(brand, '')),
            max(cast(price as double))
        from raw_rees46 group by product_id
    """)
    con.execute("""
        insert into events
        select strptime(replace(event_time, ' UTC', ''), '%Y-%m-%d %H:%M:%S'), event_type, user_id, user_session,
            product_id, 1, cast(price as double), 'USD', null, null, null, null
        from raw_rees46
    """)
    con.execute("insert into users select distinct user_id, null, null, null, null from raw_rees46")


def load_olist(con: duckdb.DuckDBPyConnection) -> None:
    """Olist: the person is customer_unique_id; each order item is a purchase (BRL); reviews by order."""
    folder = shared_sample("olist_brazilian_ecommerce_sample")

    def table(name: str) -> str:
        return f"read_csv('{folder}/{name}.csv.gz', header = true, all_varchar = true)"

    con.execute(f"""
        insert into products
        select p.product_id, null, coalesce(t.product_category_name_english, p.product_category_name), null, null
        from {table("olist_products_dataset")} p
        left join {table("product_category_name_translation")} t using (product_category_name)
    """)
    con.execute(f"""
        create temp table olist_orders as
        select o.order_id, c.customer_unique_id as user_id,
            strptime(o.order_purchase_timestamp, '%Y-%m-%d %H:%M:%S') as purchased_at
        from {table("olist_orders_dataset")} o join {table("olist_customers_dataset")} c using (customer_id)
    """)
    con.execute(f"""
        insert into events
        select o.purchased_at, 'purchase', o.user_id, o.order_id, i.product_id, 1, cast(i.price as double), 'BRL',
            o.order_id, null, null, null
        from {table("olist_order_items_dataset")} i join olist_orders o using (order_id)
    """)
    con.execute("insert into users select distinct user_id, null, null, null, null from olist_orders")
    con.execute(f"""
        insert into reviews
        select r.review_id, any_value(o.user_id), null, any_value(r.order_id), any_value(cast(r.review_score as int)),
            any_value(r.review_comment_title), any_value(r.review_comment_message),
            any_value(strptime(r.review_creation_date, '%Y-%m-%d %H:%M:%S')), 'pt', null
        from {table("olist_order_reviews_dataset")} r join olist_orders o using (order_id)
        group by r.review_id
    """)


def load_online_retail(con: duckdb.DuckDBPyConnection) -> None:
    """UCI Online Retail lines: invoices are orders (GBP), 'C' invoices refunds; rows without a
    customer stay out (user analytics only)."""
    path = shared_sample("online_retail_uci/online_retail_lines_first8373.csv.gz")
    con.execute(f"""
        create temp table raw_retail as
        select * from read_csv('{path}', header = true, all_varchar = true)
        where CustomerID is not null and CustomerID <> ''
    """)
    con.execute("""
        insert into products
        select StockCode, any_value(Description), null, null, max(cast(UnitPrice as double))
        from raw_retail group by StockCode
    """)
    con.execute("""
        insert into events
        select strptime(InvoiceDate, '%Y-%m-%d %H:%M:%S'),
            case when InvoiceNo like 'C%' then 'refund' else 'purchase' end,
            cast(cast(cast(CustomerID as double) as bigint) as varchar), InvoiceNo, StockCode,
            abs(cast(Quantity as integer)), cast(UnitPrice as double), 'GBP', InvoiceNo, null, null, null
        from raw_retail
        where cast(UnitPrice as double) > 0 and cast(Quantity as integer) <> 0
    """)
    con.execute("""
        insert into users
        select cast(cast(cast(CustomerID as double) as bigint) as varchar) as user_id, null, any_value(Country),
            null, null
        from raw_retail group by user_id
    """)
