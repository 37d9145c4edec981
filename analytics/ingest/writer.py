"""The writer: appends one staged import to the warehouse and records it in ``imports``.

It runs inside the caller's single transaction (``ctx.batch``), so an import is all or nothing.
Keys already stored win: new products, users, reviews and orders are appended, known ones only
get missing attributes filled; events are a set (docs/IMPORTING.md, duplicates).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from analytics.core import queries

# (table, SQL file) in the order they are written.
APPENDS = (
    ("products", "write_products"),
    ("users", "write_users"),
    ("events", "write_events"),
    ("orders", "write_orders"),
    ("reviews", "write_reviews"),
    ("review_orders", "write_review_orders"),
    ("product_documents", "write_product_documents"),
    ("product_qa", "write_product_qa"),
)
WITH_IMPORT_ID = ("events", "orders", "reviews", "product_documents", "product_qa")
FILLS = (("products", "fill_products"), ("users", "fill_users"))


def write(con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Append the staged tables; returns (rows appended per table, known rows updated per table)."""
    appended = {}
    for table, name in APPENDS:
        params = {"import_id": import_id} if table in WITH_IMPORT_ID else {}
        appended[table] = _count(con.execute(queries.sql(name), params))
    updated = {table: _count(con.execute(queries.sql(name))) for table, name in FILLS}
    return appended, updated


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    import_id: int,
    source_format: str,
    file_name: str,
    file_sha256: str,
    rows_read: int,
    rows_written: int,
    actor: str,
    notes: dict[str, Any],
) -> None:
    """The imports row: what was read from which file (by SHA-256), what was written, who, when."""
    con.execute(
        queries.sql("write_import"),
        {
            "import_id": import_id,
            "source_format": source_format,
            "file_name": file_name,
            "file_sha256": file_sha256,
            "rows_read": rows_read,
            "rows_written": rows_written,
            "imported_at": datetime.now(UTC).replace(tzinfo=None),
            "actor": actor,
            "notes": json.dumps(notes, sort_keys=True),
        },
    )


def _count(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0
