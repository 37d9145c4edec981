"""The incremental review-sentiment job: score what a model has not scored yet, in committed batches.

Reads ``reviews(review_id, title, text)``; writes ``review_sentiment(review_id, model,
model_version, score, label, stars, chunks, scored_at)`` and, when an aspect finder is given,
``review_aspects(review_id, model, aspect, similarity, score, label, embedding_model)``.
Re-running with the same model and weights is a no-op; a retrained folder (new weights) is
scored afresh, its old rows replaced batch by batch.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from analytics.core import faults, queries
from analytics.core.jobs import JobContext
from models.review_text import STAR_TITLE_PATTERN, review_content

if TYPE_CHECKING:  # the models import torch; this module is also used by the dashboard
    from models.aspects import AspectFinder
    from models.sentiment import SentimentScorer

COMMIT_REVIEWS = 512  # reviews per committed batch: a crash loses at most this much scoring


def pending_count(con: Any, model: str, version: str) -> int:
    """How many reviews with words ``model`` at ``version`` has not scored."""
    params = {"model": model, "model_version": version, "star_title": STAR_TITLE_PATTERN}
    return int(queries.one(con, "sentiment_pending_count", params)["count_pending"])


def score_reviews(
    ctx: JobContext,
    scorer: SentimentScorer,
    *,
    aspects: AspectFinder | None = None,
    batch_size: int | None = None,
    commit_reviews: int = COMMIT_REVIEWS,
    limit: int | None = None,
) -> dict[str, Any]:
    """Score the pending reviews with a loaded ``scorer`` (at most ``limit``, in id order); returns
    counts and throughput.

    Summary: ``{"model", "model_version", "scored", "skipped", "pending_before", "seconds",
    "reviews_per_s", "aspects"}``. ``skipped`` counts reviews whose only words were a title that
    restates the rating (nothing to score); ``pending_before`` counts every pending review, also
    those left for a later run by ``limit``.
    """
    model, version = scorer.name, scorer.version
    pending = pending_count(ctx.con, model, version)
    total = pending if limit is None else min(pending, limit)
    done = skipped = mentions = 0
    after = ""
    started = time.perf_counter()
    ctx.progress(0, total, f"scoring {total:,} reviews with {_short(model)}")
    while done < total:
        batch = queries.frame(
            ctx.con,
            "sentiment_pending",
            {
                "model": model,
                "model_version": version,
                "star_title": STAR_TITLE_PATTERN,
                "after": after,
                "limit": min(commit_reviews, total - done),
            },
        )
        if batch.empty:
            break
        after = str(batch["review_id"].iloc[-1])
        rows, aspect_rows = _score_batch(batch, scorer, aspects, batch_size)
        with ctx.batch(checkpoint={"after": after}):
            _write(ctx, model, batch["review_id"].tolist(), rows, aspect_rows)
        faults.point("sentiment.after_batch")
        done += len(batch)
        skipped += len(batch) - len(rows)
        mentions += len(aspect_rows)
        rate = (done - skipped) / max(time.perf_counter() - started, 1e-9)
        ctx.progress(done, total, f"{done:,}/{total:,} reviews, {rate:.1f} reviews/s")
    seconds = time.perf_counter() - started
    scored = done - skipped
    return {
        "model": model,
        "model_version": version,
        "scored": scored,
        "skipped": skipped,
        "pending_before": pending,
        "aspects": mentions,
        "seconds": round(seconds, 2),
        "reviews_per_s": round(scored / seconds, 2) if scored and seconds > 0 else 0.0,
    }


def _score_batch(
    batch: pd.DataFrame, scorer: SentimentScorer, aspects: AspectFinder | None, batch_size: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    contents = [review_content(t, x) for t, x in zip(batch["title"], batch["text"], strict=True)]
    keep = [i for i, c in enumerate(contents) if c]
    ids = [batch["review_id"].iloc[i] for i in keep]
    texts = [contents[i] for i in keep]
    scores = scorer.predict(texts, batch_size=batch_size) if texts else []
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = pd.DataFrame(
        {
            "review_id": ids,
            "model": scorer.name,
            "model_version": scorer.version,
            "score": [s.score for s in scores],
            "label": [s.label for s in scores],
            "stars": pd.array([s.stars for s in scores], dtype="Float64"),
            "chunks": [s.chunks for s in scores],
            "scored_at": pd.Series([now] * len(ids), dtype="datetime64[us]"),
        }
    )
    return rows, _aspect_rows(ids, texts, scorer, aspects, batch_size)


def _aspect_rows(
    ids: list[str], texts: list[str], scorer: SentimentScorer, aspects: AspectFinder | None, batch_size: int | None
) -> pd.DataFrame:
    columns = ["review_id", "model", "aspect", "similarity", "score", "label", "embedding_model"]
    if aspects is None or not texts:
        return pd.DataFrame(columns=columns)
    found = aspects.find(texts, scorer, batch_size=batch_size)
    records = [
        (review_id, scorer.name, m.aspect, m.similarity, m.score, m.label, aspects.name)
        for review_id, mentions in zip(ids, found, strict=True)
        for m in mentions
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _write(ctx: JobContext, model: str, review_ids: list[str], rows: pd.DataFrame, aspect_rows: pd.DataFrame) -> None:
    # Replace this model's rows for the batch (an older version's scores), then insert the new ones.
    params = {"model": model, "ids": review_ids}
    ctx.con.execute(queries.sql("delete_review_sentiment"), params)
    ctx.con.execute(queries.sql("delete_review_aspects"), params)
    _insert(ctx, "scored_batch", rows, "store_review_sentiment")
    _insert(ctx, "aspect_batch", aspect_rows, "store_review_aspects")


def _insert(ctx: JobContext, relation: str, frame: pd.DataFrame, query: str) -> None:
    """Run the statement file ``query``, which reads ``frame`` as ``relation``; nothing when empty."""
    if frame.empty:
        return
    ctx.con.register(relation, frame)
    try:
        ctx.con.execute(queries.sql(query))
    finally:
        ctx.con.unregister(relation)


def _short(model: str) -> str:
    return model.rsplit("/", 1)[-1]
