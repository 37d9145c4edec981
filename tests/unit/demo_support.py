"""Helpers for the demo generator tests: a fake job context, table digests, user features."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics.core import warehouse
from analytics.demo import DemoParams, build_demo

DATA_TABLES = ("events", "products", "users", "reviews", "searches", "product_documents", "product_qa")
FEATURES_SQL = (Path(__file__).parent / "demo_user_features.sql").read_text(encoding="utf-8")


class CrashInBatch(RuntimeError):
    """Raised by FakeContext inside the batch it was told to crash in."""


class FakeContext:
    """The parts of analytics.core.jobs.JobContext that build_demo uses, on any connection.

    ``crash_in_batch=n`` raises inside the n-th batch (1-based) before it commits, like a
    process killed mid-transaction; ``checkpoints`` holds what a real runner would have saved.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, resume_state: dict | None = None, crash_in_batch: int = 0):
        self.con = con
        self.resume_state = resume_state
        self.crash_in_batch = crash_in_batch
        self.checkpoints: list[dict[str, Any]] = []
        self.progress_calls: list[tuple] = []

    @contextmanager
    def batch(self, checkpoint: dict[str, Any] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.begin()
        try:
            yield self.con
            if len(self.checkpoints) + 1 == self.crash_in_batch:
                raise CrashInBatch(f"simulated crash in batch {self.crash_in_batch}")
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        if checkpoint is not None:
            self.checkpoints.append(dict(checkpoint))

    def progress(self, done: float, total: float | None = None, message: str = "") -> None:
        self.progress_calls.append((done, total, message))


def build_memory(events: int, seed: int = 7, params: DemoParams | None = None, **kwargs: Any):
    """``(connection, summary)`` of a demo shop built into a fresh in-memory warehouse."""
    con = warehouse.connect_memory()
    summary = build_demo(FakeContext(con), events=events, seed=seed, replace=False, params=params, **kwargs)
    return con, summary


def table_digests(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of every row, per data table.

    ``imports`` is compared without ``imported_at``, the wall-clock time of the build.
    """
    digests = {}
    for table in DATA_TABLES:
        digests[table] = con.execute(f"select count(*), sum(hash(t)) from {table} t").fetchone()
    digests["imports"] = con.execute(
        "select count(*), sum(hash(t)) from (select * exclude (imported_at) from imports) t"
    ).fetchone()
    return digests


def user_features(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per-user behaviour features (one row per user, with ``demo_type``); see the SQL file."""
    return con.execute(FEATURES_SQL).df()
