"""Turn generated arrays into Arrow tables and append them to the canonical tables.

Columns travel as integers and Arrow dictionaries (event types, product ids, sources...);
the SQL in analytics/demo/sql/insert_*.sql formats the ids, so no Python loop ever touches
an event row. Global ids continue from ``Counters``, which the checkpoint carries, so a
resumed run numbers its rows exactly as an uninterrupted run would.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.core import queries
from analytics.demo.catalog import Catalog
from analytics.demo.chunk import Chunk
from analytics.demo.customer_types import DEVICES, SOURCES
from analytics.demo.customers import CURRENCIES
from analytics.demo.events import EVENT_TYPES, REFUND
from analytics.demo.params import DemoParams
from analytics.demo.reviews import Reviews
from analytics.demo.searches import QueryPool, Searches

# Deleted by --replace, children first. A fixed allow-list: these names enter SQL text. The
# campaign tables go too: their plans and sends name users of the data being replaced.
CANONICAL_TABLES = (
    "demo_campaign_effects",
    "question_log",
    "campaign_sends",
    "campaign_assignments",
    "campaign_variants",
    "campaign_plans",
    "events",
    "reviews",
    "searches",
    "users",
    "product_qa",
    "product_documents",
    "products",
    "imports",
)
# The statement that appends each generated table (named here so every SQL file has a reader).
INSERTS = {
    "events": "insert_events",
    "users": "insert_users",
    "reviews": "insert_reviews",
    "searches": "insert_searches",
    "products": "insert_products",
    "product_documents": "insert_product_documents",
    "product_qa": "insert_product_qa",
    "customer_questions": "insert_customer_questions",
}


@dataclass
class Counters:
    """Ids used so far (the next chunk's ids start here) and rows written so far."""

    users: int = 0
    sessions: int = 0
    orders: int = 0
    reviews: int = 0
    events: int = 0
    searches: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters as the checkpoint stores them."""
        return asdict(self)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each canonical table."""
    cur = con.execute(queries.sql("row_counts"))
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    return {key.removeprefix("count_"): int(value) for key, value in row.items()}


def import_rows(con: duckdb.DuckDBPyConnection, import_id: int) -> dict[str, int]:
    """Rows an import has written so far (``imports`` is 1 when its record exists)."""
    cur = con.execute(queries.sql("import_rows"), {"import_id": import_id})
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    return {key.removeprefix("count_"): int(value) for key, value in row.items()}


def clear_canonical_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every row of the canonical tables (the --replace of the demo)."""
    for table in CANONICAL_TABLES:
        con.execute(f"delete from {table}")  # the name comes from the allow-list above


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the demo's import row gets when the warehouse is not cleared first."""
    return int(con.execute("select coalesce(max(import_id), 0) + 1 from imports").fetchone()[0])


def insert_import(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    file_name: str,
    file_sha256: str,
    imported_at: Any,
    notes: str,
) -> None:
    """Record the demo build in ``imports`` (row totals are updated after every chunk)."""
    values = {"import_id": import_id, "file_name": file_name, "file_sha256": file_sha256, "notes": notes}
    con.execute(queries.sql("insert_import"), values | {"imported_at": imported_at})


def update_import(con: duckdb.DuckDBPyConnection, import_id: int, rows: int, notes: str) -> None:
    """Running totals of the import, inside the chunk's transaction."""
    con.execute(queries.sql("update_import"), {"import_id": import_id, "rows": rows, "notes": notes})


def write_products(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Write the catalog to ``products``."""
    _insert(con, "demo_products", pa.Table.from_pandas(catalog.frame(), preserve_index=False), None)


def write_product_knowledge(
    con: duckdb.DuckDBPyConnection, documents: pd.DataFrame, qa: pd.DataFrame, import_id: int
) -> None:
    """Write the catalog's descriptions, attributes and earlier Q&A (analytics.demo.knowledge)."""
    _insert(con, "demo_product_documents", pa.Table.from_pandas(documents, preserve_index=False), import_id)
    _insert(con, "demo_product_qa", pa.Table.from_pandas(qa, preserve_index=False), import_id)


def write_customer_questions(con: duckdb.DuckDBPyConnection, questions: pd.DataFrame) -> None:
    """Write the demo customers' questions to the assistant (analytics.demo.questions)."""
    _insert(con, "demo_customer_questions", pa.Table.from_pandas(questions, preserve_index=False), None)


def chunk_tables(
    chunk: Chunk,
    reviews: Reviews,
    searches: Searches,
    catalog: Catalog,
    pool: QueryPool,
    params: DemoParams,
    start: Counters,
) -> dict[str, pa.Table]:
    """The Arrow tables of one chunk, with global integer ids starting at ``start``."""
    return {
        "events": _events_table(chunk, catalog, start),
        "users": _users_table(chunk, params, start),
        "reviews": _reviews_table(reviews, catalog, start),
        "searches": _searches_table(searches, chunk, pool, start),
    }


def write_chunk(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], import_id: int) -> None:
    """Append one chunk's tables (inside the caller's transaction)."""
    for name, table in tables.items():
        _insert(con, f"demo_chunk_{name}", table, None if name == "users" else import_id)


def _insert(con: duckdb.DuckDBPyConnection, view: str, table: pa.Table, import_id: int | None) -> None:
    """Run ``sql/insert_<table>.sql`` over ``table`` registered as ``view``."""
    query = INSERTS[view.removeprefix("demo_chunk_").removeprefix("demo_")]
    con.register(view, table)
    try:
        con.execute(queries.sql(query), None if import_id is None else {"import_id": import_id})
    finally:
        con.unregister(view)


def advance(start: Counters, chunk: Chunk, reviews: Reviews, searches: Searches) -> Counters:
    """The counters after a chunk."""
    return Counters(
        users=start.users + len(chunk.users),
        sessions=start.sessions + len(chunk.sessions),
        orders=start.orders + (int(chunk.items.order.max()) + 1 if len(chunk.items.order) else 0),
        reviews=start.reviews + len(reviews.rating),
        events=start.events + len(chunk.events.kind),
        searches=start.searches + len(searches.query),
    )


def _events_table(chunk: Chunk, catalog: Catalog, start: Counters) -> pa.Table:
    ev = chunk.events
    user = chunk.sessions.user[ev.session]
    refund = ev.kind == REFUND  # a refund is a back-office event: no browsing session
    return pa.table(
        {
            "event_time": pa.array(ev.time_us, type=pa.timestamp("us")),
            "event_type": _dictionary(ev.kind, EVENT_TYPES),
            "user_n": pa.array(start.users + 1 + user),
            "session_n": pa.array(start.sessions + 1 + ev.session, mask=refund),
            "product_id": _dictionary(ev.product, catalog.product_id),
            "quantity": pa.array(ev.quantity, mask=ev.quantity < 0),
            "price": pa.array(ev.price),
            "currency": _dictionary(chunk.users.currency[user], CURRENCIES),
            "order_n": pa.array(start.orders + 1 + ev.order, mask=ev.order < 0),
            # Refunds keep the source and device of the session that sold the item, so net
            # revenue by channel reconciles with gross revenue by channel.
            "traffic_source": _dictionary(chunk.sessions.source[ev.session], SOURCES),
            "device": _dictionary(chunk.sessions.device[ev.session], DEVICES),
        }
    )


def _users_table(chunk: Chunk, params: DemoParams, start: Counters) -> pa.Table:
    users = chunk.users
    return pa.table(
        {
            "user_n": pa.array(start.users + 1 + np.arange(len(users))),
            "first_seen": pa.array(chunk.first_seen_us, type=pa.timestamp("us")),
            "country": _dictionary(users.country, [c.code for c in params.countries]),
            "marketing_consent": pa.array(users.consent),
            "demo_type": _dictionary(users.kind, [t.name for t in params.types]),
        }
    )


def _reviews_table(reviews: Reviews, catalog: Catalog, start: Counters) -> pa.Table:
    return pa.table(
        {
            "review_n": pa.array(start.reviews + 1 + np.arange(len(reviews.rating))),
            "user_n": pa.array(start.users + 1 + reviews.user),
            "product_id": _dictionary(reviews.product, catalog.product_id),
            "order_n": pa.array(start.orders + 1 + reviews.order),
            "rating": pa.array(reviews.rating.astype(np.int32)),
            "title": pa.array(reviews.title, type=pa.string()),
            "text": pa.array(reviews.text, type=pa.string()),
            "created_at": pa.array(reviews.created_us, type=pa.timestamp("us")),
        }
    )


def _searches_table(searches: Searches, chunk: Chunk, pool: QueryPool, start: Counters) -> pa.Table:
    return pa.table(
        {
            "user_n": pa.array(start.users + 1 + chunk.sessions.user[searches.session]),
            "session_n": pa.array(start.sessions + 1 + searches.session),
            "query": _dictionary(searches.query, pool.text),
            "searched_at": pa.array(searches.searched_us, type=pa.timestamp("us")),
        }
    )


def _dictionary(indices: np.ndarray, values: Any) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)), pa.array(list(values), type=pa.string())
    )
