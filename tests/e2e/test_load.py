"""Several colleagues click through every page in Chromium while a model job scores reviews.

The full-size run (20 sessions, p95 against the 3 s target) is bench/bench_load.py, with its
figures in bench/RESULTS.md. This test runs the same code with 5 sessions so that CI proves, on
every change, that concurrent sessions and a running language-model job give no error, every
session reaches every page, the job succeeds and nothing hangs. Its p95 is printed, not gated:
35 interactions on a shared 2-core runner put p95 anywhere from 1.8 to 6.0 s between runs.
"""

import argparse

import pytest

from bench import bench_load
from tests.conftest import build_segmented
from tests.e2e.conftest import require_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 5
HANG_GUARD_S = 180


def test_sessions_and_a_model_job_together(tmp_path):
    require_chromium()
    # Its own shop: the jobs publish new segmentation runs, which other tests must not see.
    shop = build_segmented(tmp_path / "warehouse.duckdb")
    args = argparse.Namespace(
        sessions=SESSIONS,
        rounds=1,
        think=3.0,
        job="sentiment",
        db=str(shop.db_path),
        events=None,
    )
    result = bench_load.run_load(args)
    bench_load._report(result, args)

    loaded = result["loaded"]
    assert loaded["errors"] == []
    assert all(len(times) == SESSIONS for times in loaded["by_page"].values()), "every session saw every page"
    assert result["jobs"] and all(outcome in ("done", "running at the end") for outcome in result["jobs"])
    # A hang guard, not a latency target (that is bench_load's p95): the 20-session runs saw a
    # 34 s worst case on a busy machine, so only an interaction stuck for minutes fails here.
    assert max(loaded["latencies"]) < HANG_GUARD_S, "a page interaction hung"
