"""What the warehouse holds: counts, date range, schema version (Data page, `status`)."""

from __future__ import annotations

from typing import Any

import duckdb

from analytics.core import queries, warehouse


def warehouse_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """``{"schema_version", "tables": {name: rows}, "sessions", "first_event", "last_event"}``.

    Timestamps are ISO 8601 strings in UTC, or None when there are no events.
    """
    row = queries.one(con, "warehouse_status")
    return {
        "schema_version": warehouse.schema_version(con),
        "tables": {
            "events": row["count_events"],
            "users": row["count_users"],
            "products": row["count_products"],
            "reviews": row["count_reviews"],
            "searches": row["count_searches"],
        },
        "sessions": row["count_sessions"],
        "first_event": _iso(row["first_event_at"]),
        "last_event": _iso(row["last_event_at"]),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
