"""Engines that rebuild the marts from one set of SQL files: DuckDB in the warehouse (the default)
or Spark (``spark_engine``, the files transpiled by ``transpile``). Either way the marts end up
as tables of the DuckDB warehouse, which is what the dashboard reads.

An engine has a ``name``, ``refresh_marts(con, tables) -> {table: rows}``, which rebuilds
``tables`` in the given order (later ones read earlier ones) within the caller's transaction, and
``seconds``: the wall seconds of each step of its last refresh.
"""

from __future__ import annotations

from typing import Protocol

import duckdb

from analytics.core.engines.duckdb_engine import DuckDBEngine
from models.settings import Settings


class Engine(Protocol):
    name: str
    seconds: dict[str, float]

    def refresh_marts(self, con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> dict[str, int]: ...


def make_engine(settings: Settings, name: str | None = None) -> Engine:
    """The engine named (or the ``engine`` setting); Spark starts its session here, so a bad
    ``spark_master`` or a missing Java fails before any work."""
    chosen = name or settings.engine
    if chosen == "duckdb":
        return DuckDBEngine()
    if chosen == "spark":
        from analytics.core.engines.spark_engine import SparkEngine

        return SparkEngine(settings)
    raise ValueError(f"engine must be 'duckdb' or 'spark' (got {chosen!r})")
