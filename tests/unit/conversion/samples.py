"""Load the real REES46 and UCI samples of ../shared/data into a canonical warehouse.

Temporary: these small SQL mappings stand in for the importer (issue 3, branch issue3) and
will be replaced by it. They map only what the conversion tests need.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

REES46 = "rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz"
UCI_INVOICES = "online_retail_uci/online_retail_invoices_cleaned.csv.gz"

# REES46: user_session -> session_id, category_code -> category, brand, price in USD; exact
# duplicate rows (4 in the sample) removed, as the data README advises. No order ids exist.
_REES46_RAW = """
create temp table rees46_raw as
select distinct * from read_csv($path, types = {
    'product_id': 'VARCHAR', 'category_id': 'VARCHAR', 'user_id': 'VARCHAR', 'user_session': 'VARCHAR'})
"""
_REES46_LOAD = """
insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, currency,
                    order_id, traffic_source, device, import_id)
select cast(event_time as timestamp), event_type, user_id, user_session, product_id, 1, price, 'USD',
       null, null, null, 1
from rees46_raw;
insert into products (product_id, title, category, brand, price)
select product_id, null, nullif(any_value(category_code), ''), nullif(any_value(brand), ''),
       arg_max(price, event_time)
from rees46_raw group by product_id;
insert into users (user_id, first_seen, country, marketing_consent, demo_type)
select user_id, min(cast(event_time as timestamp)), null, null, null from rees46_raw group by user_id;
drop table rees46_raw;
"""

# UCI invoices (full year, one row per invoice): each invoice is one purchase of its total.
_UCI_LOAD = """
insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, currency,
                    order_id, traffic_source, device, import_id)
select cast(InvoiceDate as timestamp), 'purchase', cast(CustomerID as varchar), null, null, 1, TotalPrice, 'GBP',
       cast(InvoiceNo as varchar), null, null, 2
from read_csv($path);
"""


def load_rees46(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(_REES46_RAW, {"path": str(path)})
    con.execute(_REES46_LOAD)


def load_uci_invoices(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(_UCI_LOAD, {"path": str(path)})
