"""The marts: small pre-aggregated tables that page interactions read instead of raw events.

``refresh(con)`` rebuilds every mart from the canonical tables in the caller's transaction. The
job runner calls it in one batch, before publishing, after every job that changes canonical
data (``analytics.core.jobs.MART_REFRESH_KINDS``); ``python -m analytics refresh-marts`` runs it alone.
Table shapes are in analytics/core/migrations/020_marts.sql; each SQL mart is one query file
analytics/core/sql/<table>.sql; customer value is fitted by analytics.core.clv.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pandas as pd

from analytics.core import clv, faults, incremental, queries
from analytics.core.engines import DuckDBEngine, Engine

# Order matters: later marts read earlier ones.
SQL_MARTS = (
    "mart_users",
    "mart_products",
    "mart_sessions",
    "mart_session_steps",
    "mart_session_totals",
    "mart_day_counts",
    "mart_order_lines",
)
CLV_HORIZON_DAYS = 365
MIN_CLV_CUSTOMERS = 20  # fewer customers in a currency: no model is fitted for it


def refresh(con: duckdb.DuckDBPyConnection, engine: Engine | None = None, full: bool = False) -> dict[str, Any]:
    """Bring every mart up to the canonical tables; returns ``{"rows": {table: count}, "seconds": s,
    "table_seconds": {step: s}, "mode": "incremental" | "full", "why_full": reason | None}`` (the
    steps are the engine's: each SQL mart, and for Spark its export and load, then customer value).

    Runs inside the caller's transaction (a job batch), so readers of the published snapshot
    see either the old marts or the new ones, never a mix. With DuckDB, after imports that only
    appended later events, only what they change is rebuilt (analytics.core.incremental: the same
    tables a full rebuild gives); ``full`` rebuilds everything anyway. ``engine`` runs a full
    rebuild of the SQL marts (analytics.core.engines; DuckDB in this connection by default, or
    Spark, whose tables are loaded into this connection); customer value is fitted here either way.
    """
    started = time.perf_counter()
    engine = engine or DuckDBEngine()
    why_full, mark = _check(con, engine, full)
    if why_full is None:
        try:
            rows, seconds, mark = incremental.refresh_sql_marts(con, mark)
        except incremental.Widespread as exc:
            why_full, mark = str(exc), None
    if why_full is not None:
        rows = engine.refresh_marts(con, SQL_MARTS)
        seconds = engine.seconds
    table_seconds = {step: round(s, 2) for step, s in seconds.items()}
    faults.point("marts.mid_rebuild")
    table_started = time.perf_counter()
    rows["mart_customer_value"] = refresh_customer_value(con)
    table_seconds["mart_customer_value"] = round(time.perf_counter() - table_started, 2)
    incremental.record_mark(con, mark)
    seconds = time.perf_counter() - started
    count_events = con.execute("select count(*) from events").fetchone()[0]
    con.execute(
        "insert into mart_refreshes values ($at, $events, $seconds)",
        {"at": datetime.now(UTC).replace(microsecond=0, tzinfo=None), "events": count_events, "seconds": seconds},
    )
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "table_seconds": table_seconds,
        "mode": "full" if why_full else "incremental",
        "why_full": why_full,
    }


def _check(con: duckdb.DuckDBPyConnection, engine: Engine, full: bool) -> tuple[str | None, incremental.Mark | None]:
    if full:
        return "a full refresh was asked for", None
    if engine.name != "duckdb":
        return f"the {engine.name} engine rebuilds every mart", None
    return incremental.check(con)


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the marts were never built, or built from a different number of events than the
    warehouse holds (a data job whose mart refresh failed); pages then say so."""
    row = queries.one(con, "mart_freshness")
    return row["count_events_in_marts"] is None or row["count_events_in_marts"] != row["count_events"]


def refresh_customer_value(con: duckdb.DuckDBPyConnection, horizon_days: int = CLV_HORIZON_DAYS) -> int:
    """Fit the CLV models per currency on ``mart_order_lines`` and store customers and models.

    Returns the number of customer rows written. A currency with too few customers gets a
    model row saying so and no customer rows.
    """
    con.execute("delete from mart_customer_value")
    con.execute("delete from mart_clv_models")
    last_day = queries.one(con, "event_date_range").get("last_day")
    if last_day is None:
        return 0
    as_of = _as_date(last_day)
    purchase_days = queries.frame(con, "clv_purchase_days")
    written = 0
    for currency, transactions in purchase_days.groupby("currency", sort=True):
        model_row, customers = _fit_currency(str(currency), transactions, as_of, horizon_days)
        _insert_frame(con, "mart_clv_models", pd.DataFrame([model_row]))
        if customers is not None:
            _insert_frame(con, "mart_customer_value", customers)
            written += len(customers)
    return written


def _fit_currency(
    currency: str, transactions: pd.DataFrame, as_of: date, horizon_days: int
) -> tuple[dict[str, Any], pd.DataFrame | None]:
    users = transactions["user_key"].nunique()
    row: dict[str, Any] = {
        "currency": currency,
        "as_of": as_of,
        "horizon_days": horizon_days,
        "count_customers": users,
        "count_repeat_customers": int((transactions.groupby("user_key")["day"].nunique() > 1).sum()),
    }
    if users < MIN_CLV_CUSTOMERS or row["count_repeat_customers"] == 0:
        row["status"] = f"not fitted: {users} customers, {row['count_repeat_customers']} with a repeat purchase"
        return row, None
    value = clv.customer_value(transactions, as_of, horizon_days)
    params = asdict(value.bgnbd) | (asdict(value.gamma_gamma) if value.gamma_gamma else {})
    row |= {"status": "fitted", "params": json.dumps(params)}
    split = clv.default_split(_as_date(transactions["day"].min()), as_of)
    if split is not None:
        check, _ = clv.holdout_check(transactions, split, as_of)
        row |= {
            "holdout_days": check.holdout_days,
            "holdout_customers": check.customers,
            "holdout_predicted_purchases": check.predicted_purchases,
            "holdout_actual_purchases": check.actual_purchases,
        }
    customers = value.customers.assign(currency=currency)
    return row, customers


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    # Table names are this module's literals; the frame is registered, never formatted into SQL.
    con.register("_mart_frame", df)
    try:
        con.execute(f"insert into {table} by name select * from _mart_frame")
    finally:
        con.unregister("_mart_frame")


def _as_date(value: Any) -> date:
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value
