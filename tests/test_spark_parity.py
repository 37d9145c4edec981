"""Spark local[2] gives the same marts and the same Overview/Conversion answers as DuckDB (floats
to 1e-9 relative) on a small demo shop and on the real REES46 and UCI samples, and a Spark refresh
publishes through the same snapshot path as a DuckDB one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics.commands import spark_check
from analytics.core import jobs, marts, warehouse
from models.settings import Settings
from tests.segments.samples import load_online_retail, load_rees46
from tests.spark_support import spark_engine  # noqa: F401  (the shared session fixture)

pytestmark = pytest.mark.slow


def check_on(engine, source: Path, labels: tuple[str, ...], quick: bool) -> tuple[list[str], int]:
    return spark_check._check(engine, source, None, labels, quick)


def test_demo_shop_marts_and_every_page_query_match(spark_engine, demo_settings: Settings) -> None:  # noqa: F811
    source = warehouse.current_snapshot(demo_settings).path
    # every option and breakdown under a category and device filter (the per-product mart); the
    # samples below cover the unfiltered path (the per-session mart)
    problems, compared = check_on(spark_engine, source, ("filtered",), quick=False)
    assert problems == []
    assert compared >= len(spark_check.MART_TABLES) + 24


@pytest.mark.parametrize("load", [load_rees46, load_online_retail], ids=["rees46", "uci_online_retail"])
def test_real_samples_match(spark_engine, tmp_path: Path, load) -> None:  # noqa: F811
    source = tmp_path / "sample.duckdb"
    with duckdb.connect(source) as con:
        warehouse.migrate(con)
        load(con)
    problems, compared = check_on(spark_engine, source, ("all",), quick=True)
    assert problems == []
    assert compared >= len(spark_check.MART_TABLES) + 10


def test_spark_refresh_publishes_a_snapshot_the_dashboard_reads(spark_engine, demo_settings, tmp_path) -> None:  # noqa: F811
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    warehouse_file = warehouse.current_snapshot(demo_settings).path
    settings.db_path.write_bytes(warehouse_file.read_bytes())
    before = warehouse.current_snapshot(settings)
    result = jobs.run_job(settings, "refresh_marts", lambda ctx: _refresh(ctx, spark_engine))
    assert result.status == "done", result.error
    after = warehouse.current_snapshot(settings)
    assert after is not None and (before is None or after.seq > before.seq)
    with warehouse.open_reader(after) as published, duckdb.connect(warehouse_file, read_only=True) as demo:
        assert spark_check.mart_differences(demo, published, spark_check.MART_TABLES) == []


def _refresh(ctx: jobs.JobContext, engine) -> dict:
    with ctx.batch():
        return marts.refresh(ctx.con, engine)
