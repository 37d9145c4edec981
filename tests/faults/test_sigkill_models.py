"""SIGKILL the model jobs at their fault points: after a committed scoring batch, and after the
segmentation's text embeddings. The same command again leaves the published warehouse equal to
an uninterrupted run's: every review scored once, the shown segmentation that of the new run."""

from __future__ import annotations

import duckdb
import pytest

from analytics.core import warehouse
from models.settings import Settings
from tests.faults.conftest import DEMO, assert_same_tables, cli, crash_cli, published_tables
from tests.models.conftest import plain_classifier_dir  # noqa: F401 - a fixture: a real classifier in a second

pytestmark = pytest.mark.slow
REVIEWS_IN_DEMO = 48  # reviews of the DEMO shop


def _sentiment(model_dir: str, commit_reviews: int) -> tuple[str, ...]:
    return ("sentiment", "--model", model_dir, "--no-aspects", "--commit-reviews", str(commit_reviews))


def _demo(tmp_path, name: str) -> Settings:
    settings = Settings(db_path=tmp_path / name / "warehouse.duckdb")
    cli(settings.db_path, *DEMO)
    return settings


def _primary_count(settings: Settings, sql: str) -> int:
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# 16: killed with batches still to score (the rerun resumes); 64: killed after the last batch
# (the rerun finds nothing to score and must still publish).
@pytest.mark.parametrize("commit_reviews", [16, 64], ids=["mid-way", "after-the-last-batch"])
def test_kill_after_a_committed_scoring_batch(tmp_path, plain_classifier_dir, commit_reviews):  # noqa: F811
    command = _sentiment(plain_classifier_dir, commit_reviews)
    uninterrupted = _demo(tmp_path, "uninterrupted")
    cli(uninterrupted.db_path, *command)
    crashed = _demo(tmp_path, "crashed")

    crash_cli(crashed.db_path, *command, fault="sentiment.after_batch")

    scored = _primary_count(crashed, "select count(*) from review_sentiment")
    assert 0 < scored <= min(commit_reviews, REVIEWS_IN_DEMO)  # one whole batch, nothing more
    assert warehouse.unpublished(crashed).kind == "sentiment"
    cli(crashed.db_path, *command)
    assert_same_tables(published_tables(crashed), published_tables(uninterrupted))
    assert warehouse.unpublished(crashed) is None


def test_kill_after_segmentation_embeddings_keeps_the_shown_run_until_the_rerun(tmp_path):
    first = ("segment", "--clusters", "4", "--seed", "0", "--text", "off")
    second = ("segment", "--clusters", "4", "--seed", "1", "--text", "on")
    uninterrupted = _demo(tmp_path, "uninterrupted")
    cli(uninterrupted.db_path, *first)
    before = published_tables(uninterrupted)
    cli(uninterrupted.db_path, *second)
    crashed = _demo(tmp_path, "crashed")
    cli(crashed.db_path, *first)

    crash_cli(crashed.db_path, *second, fault="segment.after_embeddings")

    assert _primary_count(crashed, "select count(*) from text_embeddings") > 0  # committed, not published
    assert_same_tables(published_tables(crashed), before)  # the shown run is still the first
    cli(crashed.db_path, *second)
    assert_same_tables(published_tables(crashed), published_tables(uninterrupted))
    statuses = _primary_count(crashed, "select string_agg(status, ',' order by run_id) from segment_runs")
    assert statuses == "complete,failed,complete"
