"""Incremental mart refresh: after imports that only appended events later than every event the
marts hold, rebuild only what those events can change, with the marts' own SQL files, and get the
tables a full refresh gives (tests/unit/core/test_incremental.py compares them table for table).

Why the result is the full refresh's:
- Keys. ``mart_users`` numbers users by first event and ``mart_sessions`` sessions by start, so
  appended later events give new rows the next keys and leave every key already given.
- Sessions. Every row of ``mart_session_steps`` and ``mart_session_totals`` is one session's, and
  new events change only the sessions they fall in, the earlier sessions that viewed a product
  the same user now carts or buys (a view looks ahead to the user's later carts and purchases),
  and the sessions with a product that moved group (below).
  Those "touched" sessions are recomputed by the same SQL files, their table sources swapped for
  the touched sessions' events and their users' carts and purchases (``over``); every other row
  stays as it is.
- ``mart_day_counts`` is a sum over users of what each user's sessions contribute: it gains the
  touched sessions' users' new contribution and loses their old one, both computed over the days
  from each user's first touched day, plus the earlier days on which those read the user's
  previous day with each step (an earlier day's own rows are the same before and after).
- ``mart_products`` is rebuilt in full (it is small). A product it moves to another category,
  brand or price band (price bands are catalog quintiles: new products can move their edges)
  touches every session that has it.
- The global marts are rebuilt in full: ``mart_order_lines`` (its
  unmatched refunds are numbered after all orders) and customer value (its as-of day moves with
  every new day; marts.py fits it either way).

``check`` says when this does not apply, and the caller runs the full refresh: no mark (the
first refresh, or marts built by other mart queries), or events at or before the mark's last event
added, removed or changed; ``Widespread`` is raised when most sessions are touched. The mark is
written with the marts, in the same transaction (``record_mark``).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from analytics.core import faults, queries
from analytics.core.engines import DuckDBEngine

# Temporary tables the incremental SQL files read by these names; dropped after every refresh.
_TEMP = (
    "refresh_mart_products",
    "refresh_moved_products",
    "refresh_new_events",
    "refresh_sessions",
    "refresh_users",
    "refresh_events",
    "refresh_mart_users",
    "refresh_mart_sessions",
    "refresh_old_totals",
    "refresh_new_totals",
    "refresh_steps",
    "refresh_first_days",
    "refresh_earlier_days",
    "refresh_old_window",
    "refresh_new_window",
    "refresh_day_counts_old",
    "refresh_day_counts_new",
    "refresh_day_counts_changed",
)
# Above this share of touched sessions a full rebuild is cheaper than replacing rows.
WIDESPREAD = 0.5
_DAY_COUNTS_KEY = ("grain", "traffic_source", "device", "measure", "day")


def mark_queries() -> list[str]:
    """The queries a mark's digest covers: every mart query and incremental step."""
    return sorted(name for name in queries.index() if name.startswith(("mart_", "incremental_")))


@functools.cache
def sql_version() -> str:
    """Digest of the mart queries: marts built by other queries are rebuilt in full."""
    digest = hashlib.sha256()
    for name in mark_queries():
        digest.update(queries.sql(name).encode())
    return digest.hexdigest()[:16]


class Widespread(Exception):
    """The appended events (or the groups they move products into) touch most sessions: the caller
    rebuilds in full, which also overwrites what this refresh had changed in its transaction."""


Mark = dict[str, Any]  # mart_marks' columns but built_at and sql_version


def record_mark(con: duckdb.DuckDBPyConnection, mark: Mark | None = None) -> None:
    """Write what the marts were just built from (in the caller's transaction, with the marts):
    ``mark`` when the incremental refresh worked it out, else measured on the warehouse."""
    mark = mark if mark is not None else queries.one(con, "mart_mark", {"until": None})
    con.execute("delete from mart_marks")
    con.execute(
        "insert into mart_marks values ($built_at, $sql_version, $last_event_time, $count_events, $events_fingerprint)",
        mark | {"built_at": datetime.now(UTC).replace(microsecond=0, tzinfo=None), "sql_version": sql_version()},
    )


def check(con: duckdb.DuckDBPyConnection) -> tuple[str | None, Mark | None]:
    """``(None, mark)`` when the incremental refresh applies (``mark``: the stored one, verified),
    else ``(why the next refresh must rebuild every mart, None)``."""
    # Fetched as Python values: a DataFrame would turn the 128-bit fingerprints into floats.
    cursor = con.execute("select * exclude (built_at) from mart_marks")
    row = cursor.fetchone()
    if row is None:
        return "no record of what the marts were built from (first refresh)", None
    mark = dict(zip([d[0] for d in cursor.description], row, strict=True))
    if mark.pop("sql_version") != sql_version():
        return "the mart queries changed since the marts were built", None
    if mark["last_event_time"] is None:
        return "the marts were built from no events", None
    now = queries.one(con, "mart_mark", {"until": mark["last_event_time"]})
    if (now["count_events"], now["events_fingerprint"]) != (mark["count_events"], mark["events_fingerprint"]):
        return f"events at or before {mark['last_event_time']} were added, removed or changed", None
    return None, mark


def refresh_sql_marts(con: duckdb.DuckDBPyConnection, mark: Mark) -> tuple[dict[str, int], dict[str, float], Mark]:
    """Bring the SQL marts up to the events appended since ``mark`` (from ``check``); returns
    rows per mart, seconds per step and the mark of the refreshed marts."""
    steps = _steps(con, mark["last_event_time"])
    seconds: dict[str, float] = {}
    try:
        for step, run in steps:
            started = time.perf_counter()
            run()
            seconds[step] = time.perf_counter() - started
        added = queries.one(con, "incremental_new_mark")
    finally:
        _drop_temp(con)
    marts = [step for step, _ in steps if step.startswith("mart_")]
    rows = {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in marts}
    return rows, seconds, mark | _sum_marks(mark, added)


def _sum_marks(mark: Mark, added: Mark) -> Mark:
    if not added["count_events"]:
        return {}
    return {
        "last_event_time": added["last_event_time"],
        "count_events": mark["count_events"] + added["count_events"],
        "events_fingerprint": mark["events_fingerprint"] + added["events_fingerprint"],
    }


def _steps(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple[str, Callable[[], None]]]:
    def scope() -> None:
        _temp(con, "refresh_new_events", queries.sql("incremental_new_events"), {"since": since})

    def users() -> None:
        # A new user's events are all new, so mart_users.sql over the new events keys them right.
        _temp(con, "refresh_mart_users", over("mart_users", {"events": "refresh_new_events"}))
        con.execute(f"insert into mart_users by name {queries.sql('incremental_new_users')}")

    def sessions() -> None:
        _temp(con, "refresh_mart_sessions", over("mart_sessions", {"events": "refresh_new_events"}))
        con.execute(f"insert into mart_sessions by name {queries.sql('incremental_new_sessions')}")
        _temp(con, "refresh_sessions", queries.sql("incremental_touched_sessions"))
        touched, held = con.execute(
            "select (select count(*) from refresh_sessions), (select count(*) from mart_sessions)"
        ).fetchone()
        if touched > held * WIDESPREAD:
            raise Widespread(f"{touched:,} of {held:,} sessions changed")
        _temp(con, "refresh_users", "select distinct user_key from refresh_sessions")

    def session_steps() -> None:
        _temp(con, "refresh_events", queries.sql("incremental_session_events"))
        _delete_touched(con, "mart_session_steps", "session_key", "refresh_sessions")
        faults.point("marts.mid_incremental")
        steps = over("mart_session_steps", {"events": "refresh_events"})
        con.execute(
            f"insert into mart_session_steps by name select * from ({steps}) "
            "where session_key in (select session_key from refresh_sessions)"
        )

    def session_totals() -> None:
        # The touched users' totals before and after: their day counts are replaced as a whole.
        _temp(con, "refresh_old_totals", _touched_rows("mart_session_totals", "user_key", "refresh_users"))
        _delete_touched(con, "mart_session_totals", "session_key", "refresh_sessions")
        _temp(con, "refresh_steps", _touched_rows("mart_session_steps", "session_key", "refresh_sessions"))
        totals = over("mart_session_totals", {"mart_session_steps": "refresh_steps"})
        con.execute(f"insert into mart_session_totals by name {totals}")
        _temp(con, "refresh_new_totals", _touched_rows("mart_session_totals", "user_key", "refresh_users"))

    def day_counts() -> None:
        _temp(con, "refresh_first_days", queries.sql("incremental_first_days"))
        _temp(con, "refresh_earlier_days", queries.sql("incremental_earlier_days"))
        _temp(con, "refresh_old_window", queries.sql("incremental_totals_window"))
        refreshed = {"refresh_old_totals": "refresh_new_totals"}
        _temp(con, "refresh_new_window", over("incremental_totals_window", refreshed))
        _temp(con, "refresh_day_counts_old", over("mart_day_counts", {"mart_session_totals": "refresh_old_window"}))
        _temp(con, "refresh_day_counts_new", over("mart_day_counts", {"mart_session_totals": "refresh_new_window"}))
        _temp(con, "refresh_day_counts_changed", queries.sql("incremental_day_counts_changed"))
        matches = " and ".join(f"m.{c} = c.{c}" for c in _DAY_COUNTS_KEY)
        con.execute(
            "delete from mart_day_counts as m using refresh_day_counts_changed as c "
            f"where {matches} and m.prev_day is not distinct from c.prev_day"
        )
        con.execute("insert into mart_day_counts by name select * from refresh_day_counts_changed where value <> 0")

    def products() -> None:
        _temp(con, "refresh_mart_products", queries.sql("mart_products"))
        _temp(con, "refresh_moved_products", queries.sql("incremental_moved_products"))
        con.execute("delete from mart_products")
        con.execute("insert into mart_products by name select * from refresh_mart_products")

    def whole(table: str) -> Callable[[], None]:
        return lambda: DuckDBEngine().refresh_marts(con, (table,))

    return [
        ("scope", scope),
        ("mart_users", users),
        ("mart_products", products),
        ("mart_sessions", sessions),
        ("mart_session_steps", session_steps),
        ("mart_session_totals", session_totals),
        ("mart_day_counts", day_counts),
        ("mart_order_lines", whole("mart_order_lines")),
    ]


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for table in _TEMP:
        con.execute(f"drop table if exists temp.{table}")  # names: this module's literals


def _temp(con: duckdb.DuckDBPyConnection, name: str, sql: str, params: Mapping[str, Any] | None = None) -> None:
    # name: one of _TEMP; sql: a query file's text or a rewrite of one (``over``).
    con.execute(f"create or replace temp table {name} as {sql}", dict(params or {}))


def _touched_rows(table: str, key: str, touched: str) -> str:
    # table, key, touched: this module's literals
    return f"select * from {table} where {key} in (select {key} from {touched})"


def _delete_touched(con: duckdb.DuckDBPyConnection, table: str, key: str, touched: str) -> None:
    con.execute(f"delete from {table} where {key} in (select {key} from {touched})")


@functools.cache
def _over_cached(name: str, sources: tuple[tuple[str, str], ...]) -> str:
    swaps = dict(sources)
    tree = sqlglot.parse_one(queries.sql(name), read="duckdb")
    # The rows go into a temporary table or are added to a mart: the stored order is the full
    # refresh's concern, and sorting a stand-in's rows only costs time.
    tree.set("order", None)
    for scope in traverse_scope(tree):
        for source in scope.sources.values():
            # A scope's sources are its CTEs (Scopes) and base tables (Tables): only tables swap.
            if isinstance(source, exp.Table) and source.name.lower() in swaps:
                original = source.name
                source.set("this", exp.to_identifier(swaps[original.lower()]))
                if not source.alias:
                    source.set("alias", exp.TableAlias(this=exp.to_identifier(original)))
    return tree.sql(dialect="duckdb")


def over(name: str, sources: Mapping[str, str]) -> str:
    """The query file ``name`` reading the tables ``sources`` names (``{"events": "refresh_events"}``)
    from stand-ins: its base tables only, never a CTE of the same name."""
    return _over_cached(name, tuple(sorted(sources.items())))
