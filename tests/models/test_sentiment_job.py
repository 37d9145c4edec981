"""The incremental scoring job and the `sentiment` command on a real warehouse with a real classifier."""

import pandas as pd
import pytest

from analytics.cli import main
from analytics.core import jobs, warehouse
from analytics.reviews.sentiment_job import score_reviews
from analytics.reviews.train_job import record_model
from models.aspects import AspectFinder
from models.sentiment import ClassifierScorer
from models.training import TrainingReport
from tests.models.conftest import insert_reviews
from tests.unit import statements

pytestmark = pytest.mark.slow

REVIEWS = pd.DataFrame(
    {
        "review_id": ["r1", "r2", "r3", "r4", "r5"],
        "product_id": ["p1", "p1", "p2", "p2", "p3"],
        "rating": [5, 1, 4, 5, 2],
        "title": ["Love it", None, "Five Stars", "Five Stars", None],
        "text": [
            "Fits true to size and the fabric is soft.",
            "Arrived late and the box was crushed.",
            "Comfy.",
            None,
            "   ",
        ],
    }
)


def _scores(settings):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute("select review_id, model, label, chunks from review_sentiment order by review_id").df()
    finally:
        con.close()


def _run(settings, scorer, finder=None):
    result = jobs.run_job(
        settings,
        "sentiment",
        lambda ctx: score_reviews(ctx, scorer, aspects=finder, commit_reviews=2),
        params={"model": scorer.name},
    )
    assert result.status == "done", result.error
    return result.summary


@pytest.fixture
def scorer(plain_classifier_dir, settings):
    return ClassifierScorer(settings, plain_classifier_dir).load()


def test_scores_reviews_with_words_only(settings, scorer):
    insert_reviews(settings, REVIEWS)
    summary = _run(settings, scorer)
    # r4 has only a "Five Stars" title and r5 only blanks: nothing to score.
    assert summary["scored"] == 3 and summary["pending_before"] == 3
    assert _scores(settings)["review_id"].tolist() == ["r1", "r2", "r3"]


def test_rerun_is_a_no_op_and_publishes_nothing(settings, scorer):
    insert_reviews(settings, REVIEWS)
    _run(settings, scorer)
    before = warehouse.current_snapshot(settings).seq
    assert _run(settings, scorer)["scored"] == 0
    assert warehouse.current_snapshot(settings).seq == before


def test_only_new_reviews_are_scored(settings, scorer):
    insert_reviews(settings, REVIEWS)
    _run(settings, scorer)
    insert_reviews(
        settings,
        pd.DataFrame(
            {"review_id": ["r6"], "product_id": ["p3"], "rating": [3], "title": [None], "text": ["It is fine."]}
        ),
    )
    assert _run(settings, scorer)["scored"] == 1
    assert len(_scores(settings)) == 4


def test_aspects_are_written_with_the_scores(settings, scorer):
    insert_reviews(settings, REVIEWS)
    _run(settings, scorer, AspectFinder(settings).load())
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    aspects = con.execute("select review_id, aspect from review_aspects order by all").fetchall()
    con.close()
    assert ("r1", "size_fit") in aspects and ("r2", "delivery") in aspects


def test_sentiment_command_scores_and_prints_throughput(settings, plain_classifier_dir, capsys):
    insert_reviews(settings, REVIEWS)
    code = main(["--db", str(settings.db_path), "sentiment", "--model", plain_classifier_dir, "--no-aspects"])
    assert code == 0
    assert "scored 3 reviews in" in capsys.readouterr().out
    assert set(_scores(settings)["model"]) == {plain_classifier_dir}


def test_sentiment_command_names_a_missing_model(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)  # --db must name an existing warehouse
    assert main(["--db", str(settings.db_path), "sentiment", "--model", "/nowhere/model"]) == 2
    assert "model '/nowhere/model': no such folder or file" in capsys.readouterr().err


def test_every_statement_file_runs_in_review_jobs(settings, scorer, monkeypatch):
    used = statements.record(monkeypatch)
    insert_reviews(settings, REVIEWS)
    _run(settings, scorer, AspectFinder(settings).load())
    # The train job's recording step, with the report a training run would have prepared.
    report = TrainingReport("/models/ours", "base", "2026-01-02 03:04:05", 40, 12, {"accuracy": 0.9}, 1.0)
    recorded = jobs.run_job(settings, "train_sentiment", record_model, prepare=lambda ctx: report)
    assert recorded.status == "done", recorded.error
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        assert con.execute("select model, count_train from sentiment_models").fetchall() == [("/models/ours", 40)]
    finally:
        con.close()
    not_run = statements.job_statements("reviews") - used
    assert not not_run, f"not run by the review jobs: {sorted(not_run)}"


def test_publish_first_publishes_a_first_part_then_scores_the_rest(settings, plain_classifier_dir, capsys):
    insert_reviews(settings, REVIEWS)
    before = warehouse.current_snapshot(settings).seq
    argv = ["--db", str(settings.db_path), "sentiment", "--model", plain_classifier_dir, "--no-aspects"]
    assert main([*argv, "--publish-first", "2", "--commit-reviews", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("scored 2 reviews in") and lines[1].startswith("scored 1 reviews in")
    rest, first = jobs.list_jobs(settings, 2)
    assert (first["kind"], first["status"], rest["kind"], rest["status"]) == ("sentiment", "done", "sentiment", "done")
    assert warehouse.current_snapshot(settings).seq == before + 2  # each part published when it ended
    assert _scores(settings)["review_id"].tolist() == ["r1", "r2", "r3"]


def test_publish_first_with_nothing_left_runs_one_job(settings, plain_classifier_dir, capsys):
    insert_reviews(settings, REVIEWS)
    argv = ["--db", str(settings.db_path), "sentiment", "--model", plain_classifier_dir, "--no-aspects"]
    assert main([*argv, "--publish-first", "3"]) == 0
    assert capsys.readouterr().out.count("scored 3 reviews in") == 1
    assert [j["kind"] for j in jobs.list_jobs(settings)] == ["sentiment", "insert_reviews"]


def test_publish_first_must_be_positive(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)  # --db must name a warehouse
    assert main(["--db", str(settings.db_path), "sentiment", "--publish-first", "0"]) == 2
    assert "--publish-first must be at least 1 (got 0)" in capsys.readouterr().err
