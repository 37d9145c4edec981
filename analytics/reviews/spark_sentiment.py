"""`sentiment --engine spark`: the pending reviews scored on Spark executors with ``mapInPandas``,
by the same scorer class as the local job (models.sentiment via ``make_scorer``), and written
where the local job writes them (``review_sentiment``, in committed batches of the job).

Each executor's Python worker loads the model once and scores its partitions; executors with a
GPU use it (the ``device`` setting, as locally). The driver reads the pending reviews from the
warehouse, hands them to Spark in partitions and writes the scores back through the local job's
own writer, so a rerun resumes like the local job (scored reviews are no longer pending).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from analytics.core import queries
from analytics.core.jobs import JobContext
from analytics.reviews.sentiment_job import COMMIT_REVIEWS, _score_batch, _write, pending_count
from models.review_text import STAR_TITLE_PATTERN
from models.settings import Settings

REVIEWS_PER_PARTITION = 256  # small enough that every core gets work on a few thousand reviews
SCORE_SCHEMA = (
    "review_id string, model string, model_version string, score double, label string, stars double, chunks int"
)


def score_reviews_on_spark(
    ctx: JobContext,
    spark: Any,
    settings: Settings,
    model: str,
    version: str,
    *,
    batch_size: int | None = None,
    commit_reviews: int = COMMIT_REVIEWS,
    limit: int | None = None,
    reviews_per_partition: int = REVIEWS_PER_PARTITION,
) -> dict[str, Any]:
    """Score the pending reviews of ``model`` at ``version`` on ``spark``; the local job's summary."""
    pending = pending_count(ctx.con, model, version)
    total = pending if limit is None else min(pending, limit)
    started = time.perf_counter()
    ctx.progress(0, total, f"scoring {total:,} reviews on Spark ({settings.spark_master})")
    reviews = _pending(ctx, model, version, total)
    scores = score_frame(spark, reviews, settings, model, batch_size, reviews_per_partition)
    done = scored = 0
    for first in range(0, len(reviews), commit_reviews):
        ids = reviews["review_id"].iloc[first : first + commit_reviews].tolist()
        rows = scores[scores["review_id"].isin(ids)]
        with ctx.batch(checkpoint={"after": ids[-1]}):
            _write(ctx, model, ids, rows, pd.DataFrame())
        done += len(ids)
        scored += len(rows)
        ctx.progress(done, total, f"{done:,}/{total:,} reviews written")
    seconds = time.perf_counter() - started
    return {
        "model": model,
        "model_version": version,
        "scored": scored,
        "skipped": done - scored,
        "pending_before": pending,
        "aspects": 0,
        "seconds": round(seconds, 2),
        "reviews_per_s": round(scored / seconds, 2) if scored and seconds > 0 else 0.0,
        "engine": "spark",
    }


def _pending(ctx: JobContext, model: str, version: str, total: int) -> pd.DataFrame:
    params = {"model": model, "model_version": version, "star_title": STAR_TITLE_PATTERN, "after": "", "limit": total}
    return queries.frame(ctx.con, "sentiment_pending", params)


def score_frame(
    spark: Any,
    reviews: pd.DataFrame,
    settings: Settings,
    model: str,
    batch_size: int | None,
    reviews_per_partition: int = REVIEWS_PER_PARTITION,
) -> pd.DataFrame:
    """Scores of ``reviews`` (review_id, title, text) computed on Spark, as the local job's rows."""
    if reviews.empty:
        return _with_time(pd.DataFrame(columns=[c.split()[0] for c in SCORE_SCHEMA.split(", ")]))
    partitions = max(1, -(-len(reviews) // reviews_per_partition))
    frame = spark.createDataFrame(reviews[["review_id", "title", "text"]].astype(object)).repartition(partitions)
    scorer = functools.partial(score_partition, settings=settings, model=model, batch_size=batch_size)
    out = frame.mapInPandas(scorer, SCORE_SCHEMA).toPandas()
    out["stars"] = out["stars"].astype("Float64")
    return _with_time(out)


def score_partition(
    frames: Iterator[pd.DataFrame], *, settings: Settings, model: str, batch_size: int | None
) -> Iterator[pd.DataFrame]:
    """Runs on an executor: the local job's batch scoring over one partition's reviews."""
    scorer = _worker_scorer(settings, model)
    for frame in frames:
        rows, _ = _score_batch(frame.reset_index(drop=True), scorer, None, batch_size)
        yield rows.drop(columns=["scored_at"]).astype({"stars": "float64"})


@functools.cache
def _worker_scorer(settings: Settings, model: str):
    # Once per executor Python worker: loading the model costs far more than a partition.
    from models.sentiment import make_scorer

    return make_scorer(settings, model).load()


def _with_time(rows: pd.DataFrame) -> pd.DataFrame:
    now = datetime.now(UTC).replace(tzinfo=None)
    return rows.assign(scored_at=pd.Series([now] * len(rows), index=rows.index, dtype="datetime64[us]"))
