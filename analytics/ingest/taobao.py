"""Taobao UserBehavior (Alibaba Tianchi): user_id, item_id, category_id, behavior_type, timestamp.

The original file has no header; a header line is accepted too. behavior_type is pv, cart, fav
or buy; timestamp is Unix seconds. No prices, sessions or orders (docs/IMPORTING.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

NAMES = ("user_id", "item_id", "category_id", "behavior_type", "timestamp")
BEHAVIOURS = ("pv", "cart", "fav", "buy")
COLUMNS = [
    ("user_id", "events.user_id, users.user_id"),
    ("item_id", "events.product_id, products.product_id"),
    ("category_id", "products.category (a numeric id: Taobao has no names)"),
    ("behavior_type", "events.event_type: pv=view, cart=cart, fav=wishlist, buy=purchase"),
    ("timestamp", "events.event_time (Unix seconds, UTC)"),
]


def has_header(source: SourceFile) -> bool:
    """True when the first line is the column names (the original file has none)."""
    first = next(csv.reader(io.StringIO(source.head.split("\n", 1)[0])), [])
    return [c.strip().lower() for c in first] == list(NAMES)


def looks_like(source: SourceFile) -> bool:
    """True for the headerless original: five fields, the fourth a behaviour, the rest numbers."""
    first = next(csv.reader(io.StringIO(source.head.split("\n", 1)[0])), [])
    return len(first) == 5 and first[3].strip() in BEHAVIOURS and all(first[i].strip().isdigit() for i in (0, 1, 2, 4))


def checks(staging: Staging) -> list[v.Check]:
    """The value checks of this format's columns (tomorrow is the latest acceptable time)."""
    return [
        *(v.required(c) for c in NAMES),
        v.one_of("behavior_type", BEHAVIOURS),
        v.unix_seconds("timestamp", staging.latest),
        *(check for c in ("user_id", "item_id", "category_id") for check in v.text(c, v.ID_CHARS)),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load and check the file (header or not), then stage events (pv/cart/fav/buy as view/cart/wishlist/
    purchase; no price or session yet) and products (product_id, category = the numeric category id)."""
    source = sources[0]
    names = None if has_header(source) else NAMES
    raw = staging.csv(source, "raw_taobao", required=NAMES, names=names)
    staging.raise_problems(staging.check(raw, checks(staging)))
    staging.insert("events", "taobao_events")
    staging.insert("products", "taobao_products")


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(sources[0].name, source, target) for source, target in COLUMNS]


FORMAT = Format("taobao", "Taobao UserBehavior CSV (with or without header)", None, stage, columns)
