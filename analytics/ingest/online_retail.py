"""UCI Online Retail (Daqing Chen, 2015) and its successor Online Retail II, as CSV.

Two shapes are accepted: invoice lines (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
UnitPrice, CustomerID, Country; Online Retail II's Invoice, Price and "Customer ID" are read as
the same columns) and invoice totals (InvoiceNo, InvoiceDate, CustomerID, TotalPrice), the
aggregated table many RFM notebooks produce. Money is GBP. See docs/IMPORTING.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analytics.core import queries
from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging, csv_header

LINE_COLUMNS = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID")
LINE_OPTIONAL = ("Description", "Country")
INVOICE_COLUMNS = ("InvoiceNo", "InvoiceDate", "CustomerID", "TotalPrice")
ALIASES = {"Invoice": "InvoiceNo", "Price": "UnitPrice", "Customer ID": "CustomerID"}  # Online Retail II
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M")  # the UCI sheet saved as CSV
DATE_FORMATS = ("%Y-%m-%d",)
LINE_MAP = [
    ("InvoiceNo", "events.order_id; a 'C' prefix makes the line a refund; orders.order_id"),
    ("StockCode", "events.product_id, products.product_id"),
    ("Description", "products.title (most frequent)"),
    ("Quantity", "events.quantity (summed per invoice, product and price)"),
    ("InvoiceDate", "events.event_time (UK time converted to UTC)"),
    ("UnitPrice", "events.price (GBP), products.price (latest)"),
    ("CustomerID", "events.user_id, users.user_id (empty: anonymous, counted in revenue only)"),
    ("Country", "users.country (most frequent)"),
]
INVOICE_MAP = [
    ("InvoiceNo", "events.order_id, orders.order_id"),
    ("InvoiceDate", "events.event_time (midnight UTC of that day)"),
    ("CustomerID", "events.user_id, users.user_id"),
    ("TotalPrice", "events.price (GBP, quantity 1, no product)"),
]


def is_invoice_totals(source: SourceFile) -> bool:
    """True for the aggregated invoice table (TotalPrice, no StockCode), False for invoice lines."""
    return "TotalPrice" in csv_header(source) and "StockCode" not in csv_header(source)


def line_checks(staging: Staging) -> list[v.Check]:
    """The value checks of invoice lines; negative prices are allowed only on bad-debt ('A') invoices."""
    return [
        *(v.required(c) for c in ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice")),
        v.integer("Quantity"),
        v.at_most("Quantity", staging.limits.max_quantity, "a quantity", "max_quantity"),
        v.timestamp("InvoiceDate", TIME_FORMATS, "2010-12-01 08:26:00", staging.latest),
        v.number("UnitPrice"),
        # Bad-debt adjustments ('A' invoices) carry negative prices by design; they are left out.
        v.Check(
            "UnitPrice",
            "a price of 0 or more",
            "{v} is not null and try_cast({v} as double) < 0 and not starts_with(trim({col:InvoiceNo}), 'A')",
        ),
        v.at_most("UnitPrice", staging.limits.max_price),
        v.whole_id("CustomerID"),
        *(check for c in ("InvoiceNo", "StockCode", "CustomerID") for check in v.text(c, v.ID_CHARS)),
        *(check for c in ("Description", "Country") for check in v.text(c, v.NAME_CHARS)),
    ]


def invoice_checks(staging: Staging) -> list[v.Check]:
    """The value checks of invoice totals."""
    return [
        *(v.required(c) for c in INVOICE_COLUMNS),
        v.timestamp("InvoiceDate", DATE_FORMATS, "2010-12-01", staging.latest),
        v.whole_id("CustomerID"),
        v.number("TotalPrice"),
        v.non_negative("TotalPrice", "an invoice total"),
        v.at_most("TotalPrice", staging.limits.max_price, "an invoice total"),
        *(check for c in ("InvoiceNo", "CustomerID") for check in v.text(c, v.ID_CHARS)),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Stage invoice lines (events, products, users with country) or invoice totals (one purchase
    event per invoice), depending on the file's header."""
    if is_invoice_totals(sources[0]):
        _stage_invoices(staging, sources[0])
    else:
        _stage_lines(staging, sources[0])


def _stage_lines(staging: Staging, source: SourceFile) -> None:
    raw = staging.csv(source, "raw_online_retail", required=LINE_COLUMNS, optional=LINE_OPTIONAL, aliases=ALIASES)
    staging.raise_problems(staging.check(raw, line_checks(staging)))
    params = {"time_formats": list(TIME_FORMATS)}
    staging.insert("events", "online_retail_events", params)
    staging.insert("products", "online_retail_products", params)
    staging.insert("users", "online_retail_users", params)
    skipped = queries.one(staging.con, "online_retail_skipped")
    staging.note("bad_debt_lines_skipped", int(skipped["bad_debt_lines"]))
    staging.note("stock_adjustment_lines_skipped", int(skipped["stock_adjustment_lines"]))
    kept = raw.rows - skipped["bad_debt_lines"] - skipped["stock_adjustment_lines"]
    staging.note("invoice_lines_merged", kept - staging.count("stage_events"))


def _stage_invoices(staging: Staging, source: SourceFile) -> None:
    raw = staging.csv(source, "raw_online_retail_invoices", required=INVOICE_COLUMNS)
    staging.raise_problems(staging.check(raw, invoice_checks(staging)))
    staging.insert("events", "online_retail_invoice_events", {"date_formats": list(DATE_FORMATS)})
    staging.note("invoice_totals_without_products", raw.rows)


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    pairs = INVOICE_MAP if is_invoice_totals(sources[0]) else LINE_MAP
    return [(sources[0].name, source, target) for source, target in pairs]


FORMAT = Format("online_retail", "UCI Online Retail invoice lines or invoice totals CSV", "GBP", stage, columns)
