"""REES46 / Open CDP "eCommerce behavior data" events (Kaggle, mkechinov), gzipped or not.

Columns: event_time ('2019-10-01 00:00:00 UTC'), event_type (view, cart, remove_from_cart,
purchase), product_id, category_id, category_code (dotted, may be empty), brand (may be empty),
price (USD), user_id, user_session. Maps to events, products and users (docs/IMPORTING.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

REQUIRED = ("event_time", "event_type", "product_id", "price", "user_id", "user_session")
OPTIONAL = ("category_id", "category_code", "brand")
EVENT_TYPES = ("view", "cart", "remove_from_cart", "purchase")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S")
COLUMNS = [
    ("event_time", "events.event_time (UTC)"),
    ("event_type", "events.event_type"),
    ("product_id", "events.product_id, products.product_id"),
    ("category_code", "products.category"),
    ("brand", "products.brand"),
    ("price", "events.price (USD), products.price (latest)"),
    ("user_id", "events.user_id, users.user_id"),
    ("user_session", "events.session_id; events.order_id on purchases"),
    ("category_id", "not imported (category_code is the readable category)"),
]


def checks(staging: Staging) -> list[v.Check]:
    """The value checks of this format's columns (tomorrow is the latest acceptable time)."""
    return [
        *(v.required(c) for c in ("event_time", "event_type", "product_id", "user_id")),
        v.timestamp("event_time", TIME_FORMATS, "2019-10-01 00:00:00 UTC", staging.latest),
        v.one_of("event_type", EVENT_TYPES),
        v.number("price"),
        v.non_negative("price"),
        v.at_most("price", staging.limits.max_price),
        *(check for c in ("product_id", "category_id", "user_id", "user_session") for check in v.text(c, v.ID_CHARS)),
        *(check for c in ("category_code", "brand") for check in v.text(c, v.NAME_CHARS)),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load and check the file, then stage events (event_time, event_type, user_id, session_id, product_id,
    quantity, price, currency='USD', order_id) and products (product_id, category, brand, price)."""
    raw = staging.csv(sources[0], "raw_rees46", required=REQUIRED, optional=OPTIONAL)
    staging.raise_problems(staging.check(raw, checks(staging)))
    params = {"time_formats": list(TIME_FORMATS)}
    staging.insert("events", "rees46_events", params)
    staging.insert("products", "rees46_products", params)


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(sources[0].name, source, target) for source, target in COLUMNS]


FORMAT = Format("rees46", "REES46 / Open CDP events CSV", "USD", stage, columns)
