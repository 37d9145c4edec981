"""The Reviews page's plain logic: query parameters, model names, training readiness. No streamlit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.core.filters import Filters
from models.review_text import MIN_PER_CLASS, MIN_PRODUCTS

DIMENSIONS = {"category": "Category", "brand": "Brand", "product": "Product", "segment": "Segment"}
REVIEW_COLUMNS = {
    "created_at": "Date",
    "product": "Product",
    "rating": "Stars",
    "label": "Read as",
    "score": "Sentiment",
    "title": "Title",
    "text": "Text",
    "mismatch": "Mismatch",
}
GROUP_COLUMNS = {
    "count_reviews": "Reviews",
    "count_reviewers": "Reviewers",
    "avg_score": "Average sentiment",
    "share_negative": "Negative share",
    "avg_rating": "Average stars",
}
LABEL_COLOURS = {"negative": "#d62728", "neutral": "#c7c7c7", "positive": "#2ca02c"}


def scope_params(filters: Filters, model: str) -> dict[str, Any]:
    """``$model, $start, $end, $categories, $brands`` for the review_* queries (traffic source and
    device do not apply to reviews)."""
    p = filters.params()
    return {"model": model, "start": p["start"], "end": p["end"], "categories": p["categories"], "brands": p["brands"]}


def review_period(bounds: pd.DataFrame) -> Filters | None:
    """All reviews' dates as filters, for a warehouse with reviews but no events (no sidebar dates)."""
    if bounds.empty or pd.isna(bounds["first_day"].iloc[0]):
        return None
    first, last = (pd.Timestamp(bounds[c].iloc[0]).date() for c in ("first_day", "last_day"))
    return Filters(start=first, end=last)


def aspect_label(aspect: str) -> str:
    """``size_fit`` -> ``Size / fit``: an aspect's name for people."""
    return aspect.replace("_", " / " if aspect in ("size_fit", "price_value") else " ").capitalize()


def model_label(model: str) -> str:
    """A short display name: a folder's or file's last part, a hub id as it is."""
    if model.startswith("pkg:") or model.startswith("/"):
        return Path(model.removeprefix("pkg:")).name
    return model


def training_blockers(counts: dict[str, int]) -> list[str]:
    """Why train-sentiment cannot run yet on these ``rated_review_counts`` (empty: it can)."""
    reasons = []
    if counts["count_negative"] < MIN_PER_CLASS:
        reasons.append(f"{counts['count_negative']} reviews rated 1-2 stars with text (needs {MIN_PER_CLASS})")
    if counts["count_positive"] < MIN_PER_CLASS:
        reasons.append(f"{counts['count_positive']} reviews rated 4-5 stars with text (needs {MIN_PER_CLASS})")
    if counts["count_products"] < MIN_PRODUCTS:
        reasons.append(f"{counts['count_products']} rated products (needs {MIN_PRODUCTS} to hold some out)")
    return reasons


def metrics_table(trained: pd.DataFrame) -> pd.DataFrame:
    """``trained_sentiment_models`` rows as a display table: held-out metrics in their own columns."""
    rows = []
    for r in trained.itertuples():
        m = json.loads(r.metrics)
        rows.append(
            {
                "Model": model_label(r.model),
                "Trained (UTC)": r.trained_at,
                "Trained on": r.count_train,
                "Held out": r.count_holdout,
                "Balanced accuracy": m.get("balanced_accuracy"),
                "Accuracy": m.get("accuracy"),
                "AUC": m.get("auc"),
                "Reviews scored": r.count_scored,
            }
        )
    return pd.DataFrame(rows)
