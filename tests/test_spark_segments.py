"""`segment --engine spark`: the segmentation's text embedding on Spark executors (mapInPandas)
gives the local embedder's vectors on real review texts, and the job stores what the local job
stores (text and user vectors, the run and its recorded model)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.core import jobs, warehouse
from analytics.segments.job import SegmentParams, segment_job
from analytics.segments.spark_embeddings import SparkTextEmbedder
from models.embeddings import TextEmbedder
from models.settings import Settings
from tests.conftest import shared_sample
from tests.segments.shops import typed_shop
from tests.spark_support import spark_engine  # noqa: F401  (the shared session fixture)

pytestmark = pytest.mark.slow
TEXTS = 40  # real reviews, in six partitions of at most 7: small enough for a CPU model
# Batches of other sizes pad differently: the vectors move in the 6th digit, as between local batch sizes.
VECTOR_TOLERANCE = 1e-5


def real_review_texts() -> list[str]:
    path = shared_sample("womens_clothing_reviews/womens_clothing_reviews_first1000.csv.gz")
    reviews = pd.read_csv(path, usecols=["Review Text"]).dropna()
    return reviews["Review Text"].head(TEXTS).tolist()


def test_spark_vectors_equal_local_vectors_in_input_order(spark_engine, tmp_path: Path) -> None:  # noqa: F811
    settings = Settings(db_path=tmp_path / "unused.duckdb")
    texts = real_review_texts()
    expected = TextEmbedder(settings).load().encode(texts)

    got = SparkTextEmbedder(spark_engine.spark, settings, texts_per_partition=7).encode(texts)

    assert got.dtype == np.float32 and got.shape == expected.shape == (TEXTS, expected.shape[1])
    np.testing.assert_allclose(got, expected, atol=VECTOR_TOLERANCE)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)  # normalised like the local ones


def _shop(db_path: Path) -> Settings:
    settings = Settings(db_path=db_path, job_lock_timeout_s=30)
    assert jobs.run_job(settings, "load", lambda ctx: typed_shop(ctx.con, 120)).status == "done"
    return settings


def _stored(settings: Settings) -> dict[str, pd.DataFrame]:
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return {
            "texts": con.execute("select text_hash, model, embedding from text_embeddings order by text_hash").df(),
            "users": con.execute(
                "select user_id, model, count_texts, texts_hash, embedding from user_embeddings order by user_id"
            ).df(),
            "runs": con.execute("select run_id, status, k, embedding_model from segment_runs order by run_id").df(),
        }
    finally:
        con.close()


def test_segment_on_spark_stores_what_the_local_job_stores(spark_engine, tmp_path: Path) -> None:  # noqa: F811
    params = SegmentParams(clusters=3, seed=0, text="on")
    local, on_spark = _shop(tmp_path / "local" / "warehouse.duckdb"), _shop(tmp_path / "spark" / "warehouse.duckdb")
    assert jobs.run_job(local, "segment", lambda ctx: segment_job(ctx, params)).status == "done"
    embedder = SparkTextEmbedder(spark_engine.spark, on_spark, texts_per_partition=4)
    done = jobs.run_job(on_spark, "segment", lambda ctx: segment_job(ctx, params, embedder))
    assert done.status == "done", done.error

    expected, got = _stored(local), _stored(on_spark)
    assert len(expected["texts"]) > 4  # several partitions' worth
    for table, key in (("texts", ["text_hash", "model"]), ("users", ["user_id", "model", "count_texts", "texts_hash"])):
        assert got[table][key].equals(expected[table][key]), table
        np.testing.assert_allclose(
            np.stack(got[table]["embedding"]), np.stack(expected[table]["embedding"]), atol=VECTOR_TOLERANCE
        )
    assert got["runs"].equals(expected["runs"])  # complete, same k, same model recorded


def test_a_rerun_on_spark_embeds_only_new_texts(spark_engine, tmp_path: Path) -> None:  # noqa: F811
    settings = _shop(tmp_path / "warehouse.duckdb")
    embedder = SparkTextEmbedder(spark_engine.spark, settings)
    params = SegmentParams(clusters=3, seed=0, text="on")
    assert jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, params, embedder)).status == "done"

    again = jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, params, embedder))

    assert again.status == "done", again.error
    with duckdb.connect(settings.db_path, read_only=True) as con:
        embedded = con.execute("select count(*) from text_embeddings").fetchone()[0]
        metrics = con.execute("select metrics from segment_runs order by run_id").fetchall()
    notes = [json.loads(m)["text_note"] for (m,) in metrics]
    assert notes[0].startswith(f"{embedded:,} distinct texts ({embedded:,} newly embedded)")
    assert notes[1].startswith(f"{embedded:,} distinct texts (0 newly embedded)")  # the cache, as locally
