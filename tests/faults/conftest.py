"""Crash a real job with SIGKILL at a named fault point, and compare what the next command leaves
with what an uninterrupted run publishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.cli import main
from analytics.core import warehouse
from models.settings import Settings
from tests.conftest import ROOT, shared_sample

HANG_GUARD_S = 900  # a generous bound on one command, so a hang fails instead of blocking the run
# Run-keyed tables: an interrupted run stays behind as 'failed' and the rerun gets the next
# run_id, so the latest complete run is compared, without its id.
RUN_TABLES = ("user_segments", "segment_profiles", "segment_figures", "segment_map_points")
LATEST_RUN = "(select max(run_id) from segment_runs where status = 'complete')"
# Columns that say when something was written, not what; and order_key, which mart_order_lines
# numbers in whatever order its aggregation yields (`row_number() over ()`), so that two
# uninterrupted runs differ in it too.
VOLATILE = {
    "mart_order_lines": "order_key",
    "imports": "imported_at",
    "mart_marks": "built_at",
    "schema_migrations": "applied_at",
    "review_sentiment": "scored_at",
    "text_embeddings": "embedded_at",
    "user_embeddings": "computed_at",
}
# JSON columns holding floats summed in whatever order the engine chose: compared rounded.
JSON_FIGURES = {"segment_profiles": "traits", "segment_figures": "figures"}
# Embeddings computed in another process move in the 6th digit; everything else is compared to 1e-8.
VECTOR_TOLERANCE = 1e-4
# The map's PCA projection amplifies those moves (CI saw 1.1e-4); its coordinates span about +-4,
# so 1e-3 is still far below a pixel of the drawn map.
MAP_TOLERANCE = 1e-3
ABSOLUTE_TOLERANCE = {"segment_map_points": MAP_TOLERANCE}
SKIPPED = {"mart_refreshes"}  # one row per rebuild, with its time: a repair adds one
DEMO = ("demo", "--events", "10000", "--seed", "3", "--no-segments")  # segments: their own kill test


@pytest.fixture(scope="session")
def demo_only(tmp_path_factory) -> dict:
    """The published tables of the small demo shop, built without interruption."""
    settings = Settings(db_path=tmp_path_factory.mktemp("demo_only") / "warehouse.duckdb")
    cli(settings.db_path, *DEMO)
    return published_tables(settings)


@pytest.fixture(scope="session")
def demo_and_import(tmp_path_factory) -> dict:
    """The published tables of the demo shop plus the real REES46 sample, without interruption."""
    settings = Settings(db_path=tmp_path_factory.mktemp("demo_and_import") / "warehouse.duckdb")
    cli(settings.db_path, *DEMO)
    cli(settings.db_path, "import", str(rees46()))
    return published_tables(settings)


@pytest.fixture
def shop(tmp_path) -> Settings:
    """A fresh warehouse holding the published demo shop."""
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    cli(settings.db_path, *DEMO)
    return settings


def rees46() -> Path:
    return shared_sample("rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz")


def cli(db: Path, *args: str) -> None:
    """Run a command in this process (no fault armed: tests start without MA_* variables)."""
    assert main(["--db", str(db), *args]) == 0, args


def run_cli(db: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    """Run a command as its own process (with this one's environment), ``fault`` armed."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if fault:
        env["MA_FAULT_POINT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "analytics", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        check=False,
    )


def crash_cli(db: Path, *args: str, fault: str) -> None:
    """Run a command that must die by SIGKILL at ``fault``."""
    done = run_cli(db, *args, fault=fault)
    assert done.returncode == -signal.SIGKILL, f"rc {done.returncode}\n{done.stdout}\n{done.stderr}"


def published_tables(settings: Settings) -> dict[str, pd.DataFrame]:
    """Every table of the published snapshot, its rows sorted, volatile columns left out."""
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return _tables(con)
    finally:
        con.close()


def primary_tables(settings: Settings) -> dict[str, pd.DataFrame]:
    """The same for the primary file, opened read-only (nothing may be running)."""
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return _tables(con)
    finally:
        con.close()


def assert_same_tables(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    assert sorted(got) == sorted(want)
    for table, frame in want.items():
        assert len(got[table]) == len(frame), f"{table}: {len(got[table])} rows, expected {len(frame)}"
        vectors = [column for column in frame.columns if _holds_vectors(frame[column])]
        for column in vectors:
            have, expected = np.stack(got[table][column]), np.stack(frame[column])
            np.testing.assert_allclose(have, expected, atol=VECTOR_TOLERANCE, err_msg=f"{table}.{column}")
        have, expected = got[table].drop(columns=vectors), frame.drop(columns=vectors)
        pd.testing.assert_frame_equal(have, expected, obj=table, atol=ABSOLUTE_TOLERANCE.get(table, 1e-8))


def snapshot_files(settings: Settings) -> list[str]:
    """What the snapshot folder holds: snapshots, CURRENT, and any marker or temporary file left."""
    return sorted(p.name for p in settings.snapshot_dir.iterdir())


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    names = [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall()
    ]
    return {name: _rows(con, name) for name in names if name not in SKIPPED}


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    # Table names come from the database's own catalog.
    if table == "segment_runs":
        query = "select k, seed, embedding_model, params from segment_runs where status = 'complete'"
    elif table in RUN_TABLES:
        query = f"select * exclude (run_id) from {table} where run_id = {LATEST_RUN}"
    elif table in VOLATILE:
        query = f"select * exclude ({VOLATILE[table]}) from {table}"
    else:
        query = f"select * from {table}"
    frame = con.execute(f"select * from ({query}) order by all").df()
    if table in JSON_FIGURES:
        frame[JSON_FIGURES[table]] = frame[JSON_FIGURES[table]].map(lambda text: json.dumps(_rounded(json.loads(text))))
    return frame


def _rounded(value):
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _holds_vectors(column: pd.Series) -> bool:
    # Embeddings come back as arrays, compared apart with a tolerance.
    return pd.api.types.is_object_dtype(column) and column.map(lambda v: isinstance(v, list | np.ndarray)).any()
