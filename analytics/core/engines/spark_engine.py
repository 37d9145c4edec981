"""The Spark engine: the marts' SQL files run on Spark (local or a cluster), each mart written as
Parquet before the next one reads it, then loaded into the DuckDB warehouse.

What runs where: the canonical tables a mart query reads come from the lake (``lake_path``,
``analytics.core.lake``) when its manifest matches the warehouse, read in place; otherwise they
are copied from the warehouse to Parquet under a folder of this refresh. Spark runs each mart
query (transpiled by ``transpile.to_spark``) and writes its result as Parquet there; the job's own DuckDB connection
then replaces each mart table from those files inside the job's batch. The job runner publishes
the snapshot as after a DuckDB refresh, so the dashboard reads DuckDB whichever engine ran, and a
refresh killed mid-way leaves the published marts unchanged.

Marts are written as plain Parquet, not Delta or Iceberg: each refresh writes a complete new set
under a folder of its own and the warehouse load is the one commit point, so a table format's
transactions and time travel would add a JVM dependency without adding a guarantee.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from analytics.core import lake, queries
from analytics.core.engines import transpile
from models.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[3]
_LOCAL = re.compile(r"^local(\[(\*|\d+)(,\d+)?\])?$")
_CONNECT_TIMEOUT_S = 5.0


class SparkUnavailable(RuntimeError):
    """Spark cannot start here; the message names the setting or the missing piece."""


def check_prerequisites(settings: Settings) -> None:
    """pyspark importable, Java found, and a spark:// master answering; else ``SparkUnavailable``."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            "engine = 'spark' needs pyspark, which is not installed: pip install -r requirements-spark.txt"
        ) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "engine = 'spark' needs Java 17 or later (no `java` on PATH and JAVA_HOME unset); "
            "install a JDK, or set engine = 'duckdb'"
        )
    _check_master_reachable(settings.spark_master)


def _check_master_reachable(master: str) -> None:
    # A standalone master that does not answer makes Spark retry for about a minute and then
    # fail with "All masters are unresponsive"; a TCP probe says which setting is wrong at once.
    if not master.startswith("spark://"):
        return
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.partition(":")
        try:
            with socket.create_connection((host, int(port or 7077)), timeout=_CONNECT_TIMEOUT_S):
                return
        except (OSError, ValueError):
            continue
    raise SparkUnavailable(f"spark_master = {master!r} does not answer (tried a TCP connection to each address)")


@functools.cache
def _session_for(master: str, driver_memory: str):
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName("shop-analytics")
        .config("spark.driver.memory", driver_memory)
        # DuckDB timestamps carry no zone: UTC on both sides keeps every day and epoch the same.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2" if _LOCAL.match(master) else "200")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # DuckDB's integer division, casts and overflow rules are the ANSI ones.
        .config("spark.sql.ansi.enabled", "true")
    )
    if _LOCAL.match(master):
        # Local Python workers run this interpreter and import this checkout (model jobs call
        # the project's scorer there); a cluster's executors need the project installed.
        # (PySpark reads the interpreter from PYSPARK_PYTHON, not from the session's config).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config(
            "spark.executorEnv.PYTHONPATH", os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def session(settings: Settings):
    """The process's Spark session for ``spark_master`` (started once; 15-20 s locally)."""
    check_prerequisites(settings)
    try:
        return _session_for(settings.spark_master, settings.spark_driver_memory)
    except Exception as exc:  # Spark reports a bad master or JVM failure as many exception types
        raise SparkUnavailable(f"Spark did not start with spark_master = {settings.spark_master!r}: {exc}") from exc


def source_tables(sql: str) -> set[str]:
    """Tables (not CTEs) a query reads, after macro expansion."""
    tree = transpile.expand_macros(sqlglot.parse_one(sql, read="duckdb"))
    found = set()
    for scope in traverse_scope(tree):
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and source.name:
                found.add(source.name.lower())
    return found


class SparkEngine:
    """Rebuilds the SQL marts on Spark; ``refresh_marts`` is the engine hook of marts.refresh."""

    name = "spark"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.spark = session(settings)
        self._mirror: str | None = None
        self.seconds: dict[str, float] = {}
        self.sources = ""  # where the last refresh read its sources: "lake", or "copied, <why>"

    def refresh_marts(self, con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> dict[str, int]:
        """Build ``tables`` in their order on Spark, then replace them in the warehouse."""
        tables = tuple(tables)
        work = _work_folder(self.settings)
        self.seconds = {}
        try:
            # The step's name says where the sources came from: read in place, or copied.
            self.sources = self._timed("export", self._export_sources, con, tables, work)
            self.seconds[f"export ({self.sources})"] = self.seconds.pop("export")
            written = {table: self._timed(table, self._build, table, work) for table in tables}
            return self._timed("load", lambda: {table: _load(con, table, path) for table, path in written.items()})
        finally:
            _remove(work)

    def _timed(self, step: str, fn, *args):
        # Seconds per step of the last refresh (export, each mart, load): the benchmark's split.
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[step] = time.perf_counter() - started

    def _export_sources(self, con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], work: str) -> str:
        """Register the tables the marts read as Spark views; "lake" when they are read in place
        from an in-sync lake, else "copied, <why the lake was not used>"."""
        needed = set().union(*(source_tables(queries.sql(t)) for t in tables)) - set(tables)
        existing = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        sources = sorted(needed & existing)
        outside_lake = [table for table in sources if table not in lake.TABLES]
        reason = lake.out_of_sync(con, self.settings, sources)
        if reason is None and not outside_lake:
            self._register_from_lake(con, sources, existing, work)
            return "lake"
        for table in sources:
            self._export(con, table, existing, work)
        return f"copied, {reason or ', '.join(outside_lake) + ' not in the lake'}"

    def _register_from_lake(
        self, con: duckdb.DuckDBPyConnection, sources: list[str], existing: set[str], work: str
    ) -> None:
        manifest = lake.read_manifest(lake.root(self.settings))
        # A file rewritten behind the manifest's back (its schema drifted) stops the refresh here,
        # naming the file and the column, before Spark reads anything.
        lake.check_files(self.settings, manifest, sources)
        for table in sources:
            paths = [str(path) for path in lake.files(self.settings, manifest, table)]
            if not paths:  # an empty table has no partition file; its empty copy carries the columns
                self._export(con, table, existing, work)
                continue
            reader = self.spark.read
            if lake.TABLES[table] is not None:
                reader = reader.option("basePath", str(lake.root(self.settings) / table))
            frame = reader.parquet(*paths)
            if lake.TABLES[table] is not None:
                frame = frame.drop("day")  # the hive partition column; event_time etc. hold the day
            frame.createOrReplaceTempView(table)

    def mirror(self, con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> None:
        """Make the warehouse's tables (all, or ``tables``) Spark views over a Parquet copy, so
        page queries can run on Spark (spark-check); ``close`` removes the copy."""
        existing = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if self._mirror is None:
            self._mirror = _work_folder(self.settings)
        for table in sorted(existing if tables is None else set(tables) & existing):
            self._export(con, table, existing, self._mirror)

    def close(self) -> None:
        """Remove the Parquet copies ``mirror`` made (the session stays for the process)."""
        if self._mirror is not None:
            _remove(self._mirror)
            self._mirror = None

    def _export(self, con: duckdb.DuckDBPyConnection, table: str, existing: set[str], work: str) -> None:
        path = f"{work}/input/{table}.parquet"
        # Table names come from the warehouse's own catalogue; the path is the engine's own folder.
        name = queries.identifier(table, existing)
        con.execute(f"copy (select * from {name}) to '{_sql_path(path)}' (format parquet)")
        self.spark.read.parquet(path).createOrReplaceTempView(table)

    def _build(self, table: str, work: str) -> str:
        path = f"{work}/marts/{table}"
        self.spark.sql(transpile.to_spark(queries.sql(table), {}, table)).write.mode("overwrite").parquet(path)
        # The next mart reads the written table, not a chain of views (a chain recomputes every
        # earlier mart and ran out of heap in the probe).
        self.spark.read.parquet(path).createOrReplaceTempView(table)
        return path


def _load(con: duckdb.DuckDBPyConnection, table: str, path: str) -> int:
    # Table names are marts.SQL_MARTS literals; the path is the engine's own work folder.
    con.execute(f"delete from {table}")
    con.execute(f"insert into {table} by name select * from read_parquet('{_sql_path(path)}/*.parquet')")
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def _work_folder(settings: Settings) -> str:
    root = settings.lake.rstrip("/")
    work = f"{root}/refresh/{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    if "://" not in root:
        try:
            Path(work, "input").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SparkUnavailable(f"lake_path = {settings.lake!r} is not writable: {exc}") from exc
    return work


def _remove(work: str) -> None:
    if "://" not in work:
        shutil.rmtree(work, ignore_errors=True)


def _sql_path(path: str) -> str:
    if "'" in path:
        raise SparkUnavailable(f"lake_path must not contain a quote: {path!r}")
    return path


class SparkConnection:
    """A DuckDB-like connection over a Spark session, so a query function of the pages
    (``queries.frame(con, ...)``) runs unchanged on Spark: for parity checks."""

    def __init__(self, spark) -> None:
        self.spark = spark

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> SparkCursor:
        return SparkCursor(self.spark.sql(transpile.to_spark(sql, params or {})))


class SparkCursor:
    def __init__(self, frame) -> None:
        self._frame = frame
        self._rows: list[tuple] | None = None
        self.description = [(name, None) for name in frame.columns]

    def df(self) -> pd.DataFrame:
        return self._frame.toPandas()

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(row) for row in self._frame.collect()]
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None
