"""The train-sentiment job: read the warehouse's rated reviews, fine-tune, record the model and its metrics.

Reads ``reviews(review_id, product_id, rating, title, text)``; writes one row of
``sentiment_models(model, base_model, trained_at, count_train, count_holdout, metrics)``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from analytics import queries
from analytics.jobs import JobContext
from models.review_text import review_content
from models.training import TrainingConfig, fine_tune


def train_on_ratings(ctx: JobContext, out: Path, config: TrainingConfig) -> dict[str, Any]:
    """Fine-tune on every rated review with words; return the ``TrainingReport`` as a dict."""
    reviews = queries.frame(ctx.con, "rated_reviews")
    reviews["content"] = [review_content(t, x) for t, x in zip(reviews["title"], reviews["text"], strict=True)]
    ctx.progress(0, None, f"training on {len(reviews):,} rated reviews")
    report = fine_tune(reviews, out, ctx.settings, config, progress=ctx.progress)
    with ctx.batch():
        ctx.con.execute(
            "insert or replace into sentiment_models values ($model, $base, $at, $train, $holdout, $metrics)",
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
