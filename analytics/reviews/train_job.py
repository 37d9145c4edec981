"""The train-sentiment job: read the warehouse's rated reviews, fine-tune, record the model and its metrics.

Reads ``reviews(review_id, product_id, rating, title, text)``; writes one row of
``sentiment_models(model, base_model, trained_at, count_train, count_holdout, metrics)``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from analytics.core import queries
from analytics.core.jobs import JobContext
from models.review_text import review_content
from models.training import TrainingConfig, TrainingReport, fine_tune


def train_on_ratings(ctx: JobContext, out: Path, config: TrainingConfig) -> TrainingReport:
    """Fine-tune on every rated review with words of the published snapshot.

    Read-only: run as the job's ``prepare`` step, so the warehouse stays free for other jobs
    during the minutes training takes; ``record_model`` then writes the result.
    """
    reviews = queries.frame(ctx.con, "rated_reviews")
    reviews["content"] = [review_content(t, x) for t, x in zip(reviews["title"], reviews["text"], strict=True)]
    ctx.progress(0, None, f"training on {len(reviews):,} rated reviews")
    return fine_tune(reviews, out, ctx.settings, config, progress=ctx.progress)


def record_model(ctx: JobContext) -> dict[str, Any]:
    """Write the trained model's row (``ctx.prepared`` is its TrainingReport); return the report as a dict."""
    report = ctx.prepared
    with ctx.batch():
        ctx.con.execute(
            queries.sql("store_sentiment_model"),
            {
                "model": report.out_dir,
                "base": report.base_model,
                "at": report.trained_at,
                "train": report.count_train,
                "holdout": report.count_holdout,
                "metrics": json.dumps(report.metrics),
            },
        )
    return dataclasses.asdict(report)
