"""SIGKILL in the middle of an import and of a scoring job: the warehouse opens, holds every
committed batch and no partial one, and the same command afterwards resumes or restarts cleanly."""

from __future__ import annotations

import duckdb
import pytest

from analytics.core import jobs
from models.settings import Settings
from tests.conftest import shared_sample
from tests.faults.conftest import kill_when, published_counts, run_cli, start_cli, table_counts

pytestmark = pytest.mark.slow
CANONICAL = ["events", "users", "products", "imports"]


@pytest.fixture
def big_rees46(tmp_path):
    """The real REES46 sample replicated 60 times (new users, sessions and hours), ~730k rows,
    so an import runs long enough to be killed half-way."""
    sample = shared_sample("rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz")
    out = tmp_path / "rees46_big.csv.gz"
    duckdb.sql(f"""
        copy (
            select strftime(event_time + to_hours(3 * k), '%Y-%m-%d %H:%M:%S') || ' UTC' as event_time,
                   event_type, product_id, category_id, category_code, brand, price,
                   user_id + k * 1000000000 as user_id, user_session || '-' || k as user_session
            from read_csv('{sample}', timestampformat='%Y-%m-%d %H:%M:%S UTC'), range(60) r(k)
        ) to '{out}' (header, compression gzip)
    """)
    return out


def test_sigkill_during_import_leaves_nothing_half_written(tmp_path, big_rees46):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    run_cli(settings.db_path, "demo", "--events", "10000", "--seed", "3", "--no-segments")
    before = table_counts(settings, CANONICAL)

    proc = start_cli(settings.db_path, "import", str(big_rees46), "--format", "rees46")
    killed = kill_when(
        settings, proc, lambda job: job["kind"] == "import" and job["status"] == "running" and job["progress_done"] > 0
    )
    assert killed["status"] == "running"

    # The warehouse opens and is exactly as before: an import is one transaction.
    assert table_counts(settings, CANONICAL) == before
    assert published_counts(settings, CANONICAL) == before
    out = run_cli(settings.db_path, "import", str(big_rees46), "--format", "rees46")
    after = table_counts(settings, CANONICAL)
    assert after["imports"] == before["imports"] + 1
    assert after["events"] > before["events"] + 700_000, out
    statuses = [j["status"] for j in jobs.list_jobs(settings, limit=2)]
    assert statuses == ["done", "crashed"]


def test_sigkill_during_scoring_keeps_committed_batches_and_resumes(tmp_path):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    run_cli(settings.db_path, "demo", "--events", "60000", "--seed", "5", "--no-segments")
    reviews = published_counts(settings, ["reviews"])["reviews"]

    proc = start_cli(settings.db_path, "sentiment", "--commit-reviews", "16", "--no-aspects")
    kill_when(settings, proc, lambda job: job["kind"] == "sentiment" and job["progress_done"] >= 32)

    scored_at_kill = table_counts(settings, ["review_sentiment"])["review_sentiment"]
    assert scored_at_kill >= 32 and scored_at_kill % 16 == 0  # whole batches only
    run_cli(settings.db_path, "sentiment", "--commit-reviews", "16", "--no-aspects")
    scored = published_counts(settings, ["review_sentiment"])["review_sentiment"]
    con = duckdb.connect(str(settings.db_path), read_only=True)
    duplicates = con.execute("select count(*) - count(distinct (review_id, model)) from review_sentiment").fetchone()[0]
    con.close()
    assert duplicates == 0
    assert scored_at_kill < scored <= reviews


def test_sigkill_during_segmentation_keeps_the_shown_run(tmp_path):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    run_cli(settings.db_path, "demo", "--events", "200000", "--seed", "2", "--no-segments")
    run_cli(settings.db_path, "segment", "--clusters", "5", "--seed", "0")
    first = published_counts(settings, ["user_segments", "segment_profiles"])

    proc = start_cli(settings.db_path, "segment", "--clusters", "5", "--seed", "1")
    kill_when(settings, proc, lambda job: job["kind"] == "segment" and job["progress_done"] >= 1)

    con = duckdb.connect(str(settings.db_path), read_only=True)
    complete = con.execute("select run_id from segment_runs where status = 'complete' order by run_id").fetchall()
    shown = con.execute(
        "select count(*) from user_segments where run_id = (select max(run_id) from segment_runs "
        "where status = 'complete')"
    ).fetchone()[0]
    con.close()
    assert complete == [(1,)]  # the killed run never became the shown one
    assert shown == first["user_segments"]
    run_cli(settings.db_path, "segment", "--clusters", "5", "--seed", "1")
    con = duckdb.connect(str(settings.db_path), read_only=True)
    latest = con.execute("select max(run_id), count(*) from segment_runs where status = 'complete'").fetchone()
    rows = con.execute(f"select count(*) from user_segments where run_id = {latest[0]}").fetchone()[0]
    con.close()
    assert latest[0] > 1 and rows == first["user_segments"]
