"""Olist Brazilian E-Commerce Public Dataset (Kaggle, olistbr): a folder of CSV files (or .csv.gz).

Read: orders, order items, payments, customers (the person is customer_unique_id), products
with Olist's category translation, and reviews (title, text, score; one review id may cover
several orders). Not read: sellers and geolocation (no canonical table needs them). Times are
Brazil local time, converted to UTC; money is BRL. See docs/IMPORTING.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import RawTable, Staging

FILES = {  # key -> file name without .csv / .csv.gz
    "orders": "olist_orders_dataset",
    "items": "olist_order_items_dataset",
    "payments": "olist_order_payments_dataset",
    "customers": "olist_customers_dataset",
    "products": "olist_products_dataset",
    "reviews": "olist_order_reviews_dataset",
    "translation": "product_category_name_translation",
}
OPTIONAL_FILES = ("translation",)
STATUSES = ("created", "approved", "invoiced", "processing", "shipped", "delivered", "canceled", "unavailable")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
ORDER_TIMES = (
    "order_purchase_timestamp",
    "order_approved_at",
    "order_delivered_carrier_date",
    "order_delivered_customer_date",
    "order_estimated_delivery_date",
)
COLUMNS = {  # key -> (required columns, optional columns)
    "orders": (("order_id", "customer_id", "order_status", "order_purchase_timestamp"), ORDER_TIMES[1:]),
    "items": (
        ("order_id", "order_item_id", "product_id", "price"),
        ("seller_id", "shipping_limit_date", "freight_value"),
    ),
    "payments": (("order_id", "payment_value"), ("payment_sequential", "payment_type", "payment_installments")),
    "customers": (
        ("customer_id", "customer_unique_id"),
        ("customer_zip_code_prefix", "customer_city", "customer_state"),
    ),
    "products": (("product_id",), ("product_category_name",)),
    "reviews": (
        ("review_id", "order_id", "review_score"),
        ("review_comment_title", "review_comment_message", "review_creation_date", "review_answer_timestamp"),
    ),
    "translation": (("product_category_name", "product_category_name_english"), ()),
}
MAP = [
    ("orders", "order_id", "orders.order_id, events.order_id"),
    ("orders", "order_status", "orders.status; canceled or unavailable orders with items become refunds"),
    ("orders", "order_*_timestamp/_date", "orders times, events.event_time (Brazil time converted to UTC)"),
    ("customers", "customer_unique_id", "users.user_id, events.user_id, reviews.user_id"),
    ("items", "product_id, price", "purchase events (quantity = item rows per product and price; BRL)"),
    ("items", "freight_value", "orders.freight_value"),
    ("payments", "payment_value, payment_type", "orders.payment_value, orders.payment_types"),
    ("products", "product_category_name", "products.category (in English through the translation file)"),
    ("reviews", "review_id, review_score", "reviews.review_id, reviews.rating"),
    ("reviews", "review_comment_title, review_comment_message", "reviews.title, reviews.text (Portuguese)"),
    ("reviews", "order_id", "reviews.order_id (earliest order) and review_orders (every order)"),
]


def files(folder: Path) -> list[Path]:
    """The Olist files in ``folder`` this importer reads; IngestError naming any that are missing."""
    found = {key: _find(folder, stem) for key, stem in FILES.items()}
    missing = [FILES[k] + ".csv" for k, p in found.items() if p is None and k not in OPTIONAL_FILES]
    if missing:
        present = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file())) or "no files"
        raise v.IngestError(
            [
                v.Problem(folder.name, f"the Olist file {name} (or .csv.gz) in the folder", f"only {present}")
                for name in missing
            ]
        )
    return [p for p in found.values() if p is not None]


def _find(folder: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".csv.gz"):
        if (folder / f"{stem}{suffix}").is_file():
            return folder / f"{stem}{suffix}"
    return None


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load all files, check each and their keys against each other, then stage orders, users, products,
    purchase and refund events, reviews and review_orders (see docs/IMPORTING.md)."""
    raw = _load(staging, sources)
    problems = []
    for key, table in raw.items():
        problems += staging.check(table, _checks(staging, key))
    problems += _consistency(staging, raw)
    staging.raise_problems(problems)
    params = {"time_formats": list(TIME_FORMATS)}
    staging.table("olist_orders_typed", "olist_orders_typed", params)
    staging.insert("orders", "olist_orders")
    staging.insert("users", "olist_users")
    staging.insert("products", "olist_products")
    staging.insert("events", "olist_events")
    staging.insert("reviews", "olist_reviews", params)
    staging.insert("review_orders", "olist_review_orders")
    staging.note("order_items_merged", raw["items"].rows - staging.count("stage_events", "event_type = 'purchase'"))
    staging.note("reviews_covering_several_orders", raw["reviews"].rows - staging.count("stage_reviews"))


def _load(staging: Staging, sources: Sequence[SourceFile]) -> dict[str, RawTable]:
    by_stem = {s.name.removesuffix(".gz").removesuffix(".csv"): s for s in sources}
    raw = {}
    for key, stem in FILES.items():
        required, optional = COLUMNS[key]
        if stem in by_stem:
            raw[key] = staging.csv(by_stem[stem], f"raw_olist_{key}", required=required, optional=optional)
        else:  # the translation file is optional: categories then stay in Portuguese
            names = ", ".join(f"{c} varchar" for c in required)
            staging.con.execute(f"create or replace temp table raw_olist_{key} ({names})")
    return raw


def _checks(staging: Staging, key: str) -> list[v.Check]:
    ids = {
        "orders": ("order_id", "customer_id"),
        "items": ("order_id", "product_id", "seller_id"),
        "payments": ("order_id",),
        "customers": ("customer_id", "customer_unique_id"),
        "products": ("product_id",),
        "reviews": ("review_id", "order_id"),
        "translation": (),
    }[key]
    required, _ = COLUMNS[key]
    checks = [v.required(c) for c in required]
    checks += [check for c in ids for check in v.text(c, v.ID_CHARS)]
    return checks + _value_checks(staging, key)


def _value_checks(staging: Staging, key: str) -> list[v.Check]:
    example = "2017-10-02 10:56:33"
    if key == "orders":
        return [
            v.one_of("order_status", STATUSES),
            *(v.timestamp(c, TIME_FORMATS, example, staging.latest) for c in ORDER_TIMES),
        ]
    if key == "items":
        return [
            v.integer("order_item_id", 1),
            v.number("price"),
            v.non_negative("price"),
            v.at_most("price", staging.limits.max_price),
            v.number("freight_value"),
            v.non_negative("freight_value", "a freight value"),
            v.at_most("freight_value", staging.limits.max_price, "a freight value"),
        ]
    if key == "payments":
        return [
            v.number("payment_value"),
            v.non_negative("payment_value", "a payment value"),
            v.at_most("payment_value", staging.limits.max_price, "a payment value"),
            v.integer("payment_installments", 0),
            *v.text("payment_type"),
        ]
    if key == "reviews":
        return [
            v.rating("review_score"),
            v.timestamp("review_creation_date", TIME_FORMATS, example, staging.latest),
            *v.text("review_comment_title"),
            *v.text("review_comment_message", v.TEXT_CHARS),
        ]
    if key == "products":
        return v.text("product_category_name")
    if key == "translation":
        return [*v.text("product_category_name"), *v.text("product_category_name_english")]
    return [*v.text("customer_city"), *v.text("customer_state")]


def _consistency(staging: Staging, raw: dict[str, RawTable]) -> list[v.Problem]:
    """Keys that repeat with different facts, and rows that point at something no file lists."""
    con, problems = staging.con, []
    for key, column, compared in (
        ("orders", "order_id", ("customer_id", "order_status", "order_purchase_timestamp")),
        ("customers", "customer_id", ("customer_unique_id",)),
        ("products", "product_id", ("product_category_name",)),
        (
            "reviews",
            "review_id",
            ("review_score", "review_comment_title", "review_comment_message", "review_creation_date"),
        ),
        ("translation", "product_category_name", ("product_category_name_english",)),
    ):
        if key in raw:
            t = raw[key]
            problems += v.conflicting_keys(con, t.name, t.columns, t.source.name, column, compared, t.line_of)
    for key, column, ref_key, ref_column in (
        ("orders", "customer_id", "customers", "customer_id"),
        ("items", "order_id", "orders", "order_id"),
        ("items", "product_id", "products", "product_id"),
        ("payments", "order_id", "orders", "order_id"),
        ("reviews", "order_id", "orders", "order_id"),
    ):
        t, ref = raw[key], raw[ref_key]
        problems += v.orphans(
            con, t.name, t.columns, t.source.name, column, ref.name, ref_column, ref.source.name, t.line_of
        )
    return problems


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(FILES[key] + ".csv", source, target) for key, source, target in MAP]


FORMAT = Format("olist", "Olist Brazilian E-Commerce folder of CSV files", "BRL", stage, columns, files=files)
