"""`sentiment --engine spark`: the same scorer on Spark executors (mapInPandas) gives the local
job's scores on a small real review sample and writes them where the local job does."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics.core import jobs, warehouse
from analytics.reviews.sentiment_job import score_reviews
from analytics.reviews.spark_sentiment import score_reviews_on_spark
from models.sentiment import make_scorer
from models.settings import Settings
from tests.conftest import shared_sample
from tests.spark_support import spark_engine  # noqa: F401  (the shared session fixture)

pytestmark = pytest.mark.slow
REVIEWS = 8  # real reviews, in two partitions: small enough for a CPU language model
COLUMNS = "review_id, model, model_version, score, label, stars, chunks"


def warehouse_with_reviews(db_path: Path) -> Settings:
    path = shared_sample("womens_clothing_reviews/womens_clothing_reviews_first1000.csv.gz")
    with duckdb.connect(db_path) as con:
        warehouse.migrate(con)
        con.execute(
            "insert into reviews (review_id, rating, title, text) "
            'select cast(column00 as varchar), Rating, Title, "Review Text" from read_csv_auto($path) '
            'where "Review Text" is not null order by column00 limit $n',
            {"path": str(path), "n": REVIEWS},
        )
    return Settings(db_path=db_path)


def test_spark_scores_equal_local_scores(spark_engine, tmp_path: Path) -> None:  # noqa: F811
    local = warehouse_with_reviews(tmp_path / "local.duckdb")
    on_spark = warehouse_with_reviews(tmp_path / "spark.duckdb")
    scorer = make_scorer(local).load()

    done = jobs.run_job(local, "sentiment", lambda ctx: score_reviews(ctx, scorer, commit_reviews=5))
    assert done.status == "done", done.error
    settings = on_spark.with_overrides(engine="spark", spark_master="local[2]")
    done = jobs.run_job(
        on_spark,
        "sentiment",
        lambda ctx: score_reviews_on_spark(
            ctx, spark_engine.spark, settings, scorer.name, scorer.version, commit_reviews=5, reviews_per_partition=4
        ),
    )
    assert done.status == "done", done.error
    assert done.summary["scored"] == REVIEWS

    with duckdb.connect(local.db_path, read_only=True) as a, duckdb.connect(on_spark.db_path, read_only=True) as b:
        expected = a.execute(f"select {COLUMNS} from review_sentiment order by review_id").df()
        got = b.execute(f"select {COLUMNS} from review_sentiment order by review_id").df()
    assert len(expected) == REVIEWS
    assert got[["review_id", "model", "model_version", "label", "chunks"]].equals(
        expected[["review_id", "model", "model_version", "label", "chunks"]]
    )
    # batches of other sizes pad differently; the local job's own batch-size test allows the same
    assert got["score"].tolist() == pytest.approx(expected["score"].tolist(), abs=1e-4)
