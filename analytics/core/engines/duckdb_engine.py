"""The DuckDB engine: the marts' SQL files run in the warehouse itself (the default)."""

from __future__ import annotations

import time
from collections.abc import Iterable

import duckdb

from analytics.core import queries


class DuckDBEngine:
    name = "duckdb"

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}  # per table of the last refresh: the benchmark's split

    def refresh_marts(self, con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> dict[str, int]:
        """Rebuild ``tables`` in their order inside the caller's transaction; rows per table."""
        rows = {}
        self.seconds = {}
        for table in tables:
            started = time.perf_counter()
            # Table names are marts.SQL_MARTS literals; the query text is a file of analytics/core/sql.
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} by name {queries.sql(table)}")
            rows[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            self.seconds[table] = time.perf_counter() - started
        return rows
