"""Spark reads the in-sync lake in place and gives DuckDB's marts; bad input (a drifted partition,
an unwritable lake_path, a refresh killed mid-way) is named and leaves the published marts, and
the lake's published partitions, as they were."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.commands import spark_check
from analytics.core import jobs, lake, marts, warehouse
from analytics.core.engines.spark_engine import SparkEngine
from models.settings import Settings
from tests.conftest import ROOT
from tests.spark_support import spark_engine  # noqa: F401  (the shared session fixture)

pytestmark = pytest.mark.slow
HANG_GUARD_S = 900  # a generous bound on one command, so a hang fails instead of blocking the run


@pytest.fixture
def shop(demo_settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the published demo shop whose lake is in sync with it."""
    settings = Settings(db_path=tmp_path / "warehouse.duckdb", engine="spark", spark_master="local[2]")
    settings.db_path.write_bytes(warehouse.current_snapshot(demo_settings).path.read_bytes())
    synced = jobs.run_job(settings, "lake_sync", lambda ctx: lake.sync(ctx.con, settings))
    assert synced.status == "done", synced.error
    return settings


def engine_for(settings: Settings) -> SparkEngine:
    return SparkEngine(settings)  # the process's session is shared; only the settings differ


def published_marts(settings: Settings) -> dict[str, list[tuple]]:
    with warehouse.open_reader(warehouse.current_snapshot(settings)) as con:
        return {table: con.execute(f"select * from {table} order by all").fetchall() for table in marts.SQL_MARTS}


def lake_files(settings: Settings) -> dict[str, bytes]:
    root = Path(settings.lake)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def refresh_job(settings: Settings, engine: SparkEngine) -> jobs.JobResult:
    def refresh(ctx: jobs.JobContext) -> dict:
        with ctx.batch():
            return marts.refresh(ctx.con, engine)

    return jobs.run_job(settings, "refresh_marts", refresh)


def test_refresh_reads_the_in_sync_lake_in_place_and_gives_duckdbs_marts(spark_engine, shop, demo_settings) -> None:  # noqa: F811
    engine = engine_for(shop)
    result = refresh_job(shop, engine)
    assert result.status == "done", result.error
    assert engine.sources == "lake"
    demo_file = warehouse.current_snapshot(demo_settings).path
    with (
        warehouse.open_reader(warehouse.current_snapshot(shop)) as published,
        duckdb.connect(demo_file, read_only=True) as demo,
    ):
        assert spark_check.mart_differences(demo, published, spark_check.MART_TABLES) == []


def test_a_drifted_partition_stops_the_refresh_naming_file_and_column(spark_engine, shop) -> None:  # noqa: F811
    manifest = json.loads((Path(shop.lake) / lake.MANIFEST).read_text())
    _, entry = sorted(manifest["tables"]["events"]["partitions"].items())[-1]
    target = Path(shop.lake) / entry["files"][0]
    with duckdb.connect() as con:  # the partition rewritten behind the manifest's back
        con.execute(f"create table part as select * from read_parquet('{target}', hive_partitioning = false)")
        con.execute(
            f"copy (select * replace (cast(quantity as varchar) as quantity) from part) to '{target}' (format parquet)"
        )
    before = published_marts(shop)

    result = refresh_job(shop, engine_for(shop))

    assert result.status == "failed"
    assert f"lake partition {target}: column 'quantity' is VARCHAR, expected INTEGER" in result.error
    assert published_marts(shop) == before


def test_an_unwritable_lake_path_fails_the_refresh_naming_it(spark_engine, shop) -> None:  # noqa: F811
    blocker = shop.db_path.parent / "not-a-folder"
    blocker.write_text("a file where the lake folder should be")
    settings = Settings(db_path=shop.db_path, engine="spark", spark_master="local[2]", lake_path=str(blocker))
    before = published_marts(shop)

    result = refresh_job(settings, engine_for(settings))

    assert result.status == "failed"
    assert re.search(rf"lake_path = '{re.escape(str(blocker))}' is not writable", result.error)
    assert published_marts(shop) == before


def test_a_refresh_killed_mid_way_leaves_marts_and_lake_as_they_were(spark_engine, shop, tmp_path) -> None:  # noqa: F811
    before, files_before = published_marts(shop), lake_files(shop)
    snapshot = warehouse.current_snapshot(shop)
    # Output to files, not pipes: Spark's JVM outlives the killed process for a moment and would
    # hold a pipe open.
    with open(tmp_path / "out.txt", "w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "analytics", "--db", str(shop.db_path), "refresh-marts", "--engine", "spark"],
            cwd=ROOT,
            env={**os.environ, "MA_FAULT_POINT": "marts.mid_rebuild", "MA_SPARK_MASTER": "local[2]"},
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=HANG_GUARD_S,
            check=False,
        )
    assert done.returncode == -signal.SIGKILL, (tmp_path / "out.txt").read_text()[-3000:]
    assert warehouse.current_snapshot(shop) == snapshot
    assert published_marts(shop) == before
    # the lake's published partitions are untouched; the killed refresh's own folder may remain
    assert {name: body for name, body in lake_files(shop).items() if not name.startswith("refresh/")} == files_before
