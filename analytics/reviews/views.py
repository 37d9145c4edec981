"""What the Reviews page reads and how it is reshaped for display. No streamlit.

The readers take a connection and plain hashable values (``Filters``, a model name, a
dimension), so the dashboard caches them per snapshot. Figures are exact: the minimum group
size is applied where the page shows or exports them, never here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics.core import queries
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
LABELS = ("negative", "neutral", "positive")
JOB_KINDS = ("sentiment", "train_sentiment")


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


def period(con: duckdb.DuckDBPyConnection) -> Filters | None:
    """The dates of all reviews as filters (for a warehouse with reviews but no events), or None."""
    return review_period(queries.frame(con, "review_date_range"))


def scored_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Models that have scored reviews, the most recently used first."""
    return queries.frame(con, "review_sentiment_models")["model"].tolist()


def summary(con: duckdb.DuckDBPyConnection, filters: Filters, model: str) -> dict[str, Any]:
    """Headline figures: ``count_reviews, count_reviewers, avg_score, share_negative, share_positive,
    avg_rating`` (averages None when nothing matches)."""
    return queries.one(con, "review_sentiment_summary", scope_params(filters, model))


def trend(con: duckdb.DuckDBPyConnection, filters: Filters, model: str) -> pd.DataFrame:
    """Per week: ``week_start, count_reviews, count_reviewers, avg_score, share_negative``."""
    return queries.frame(con, "review_sentiment_trend", scope_params(filters, model))


def dimensions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The dimensions a breakdown may use: every one of DIMENSIONS, segment only once a
    segmentation run is complete."""
    has_segments = bool(queries.one(con, "review_segment_run")["has_segments"])
    return [d for d in DIMENSIONS if d != "segment" or has_segments]


def breakdown(con: duckdb.DuckDBPyConnection, filters: Filters, model: str, dimension: str) -> pd.DataFrame:
    """Per group of ``dimension``: ``group_name, count_reviews, count_reviewers, avg_score,
    share_negative, avg_rating``."""
    _check_dimension(dimension)
    return queries.frame(con, "review_sentiment_breakdown", {**scope_params(filters, model), "dimension": dimension})


def breakdown_table(groups: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """``breakdown`` rows with the column names people read (the dimension's name for the groups)."""
    return groups.rename(columns={"group_name": DIMENSIONS[dimension], **GROUP_COLUMNS})


def aspects(con: duckdb.DuckDBPyConnection, filters: Filters, model: str) -> pd.DataFrame:
    """Per aspect: ``aspect, count_mentions, count_reviewers, count_negative, count_neutral,
    count_positive, avg_score``, most complaints first."""
    return queries.frame(con, "review_aspect_breakdown", scope_params(filters, model))


def aspect_mentions(aspect_rows: pd.DataFrame) -> pd.DataFrame:
    """``aspects`` rows in long form for a stacked bar: ``aspect`` (its label for people),
    ``label`` (negative, neutral or positive) and ``mentions``, in the input's aspect order."""
    long = aspect_rows.melt(
        id_vars="aspect",
        value_vars=[f"count_{label}" for label in LABELS],
        var_name="label",
        value_name="mentions",
    )
    long["label"] = long["label"].str.removeprefix("count_")
    long["aspect"] = long["aspect"].map(aspect_label)
    return long


def examples(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    model: str,
    dimension: str,
    groups: tuple[str, ...],
    aspect: str | None = None,
    label: str | None = None,
) -> pd.DataFrame:
    """Up to 10 reviews in ``groups`` of ``dimension`` (optionally about ``aspect``, read as
    ``label``), strongest first, with display column names (REVIEW_COLUMNS)."""
    _check_dimension(dimension)
    params = {
        **scope_params(filters, model),
        "dimension": dimension,
        "groups": list(groups),
        "aspect": aspect,
        "label": label,
    }
    return queries.frame(con, "review_examples", params).rename(columns=REVIEW_COLUMNS)


def mismatches(con: duckdb.DuckDBPyConnection, filters: Filters, model: str) -> pd.DataFrame:
    """Up to 50 reviews whose words read the opposite of their stars, with display column names."""
    return queries.frame(con, "review_mismatches", scope_params(filters, model)).rename(columns=REVIEW_COLUMNS)


def rated_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rated reviews with words: ``count_positive`` (4-5 stars), ``count_negative`` (1-2 stars),
    ``count_products``; what ``training_blockers`` reads."""
    return queries.one(con, "rated_review_counts")


def trained_models(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Models trained on our ratings, newest first (``trained_sentiment_models``)."""
    return queries.frame(con, "trained_sentiment_models")


def job_progress(jobs: pd.DataFrame) -> tuple[float, str] | None:
    """The newest sentiment or training job of ``jobs`` (newest first: ``job_id, kind, status,
    progress_done, progress_total, message``) as (share done, one line), or None without one."""
    for job in jobs.itertuples():
        if job.kind in JOB_KINDS:
            total = job.progress_total if pd.notna(job.progress_total) else 0
            share = min(1.0, job.progress_done / total) if total else 0.0
            return share, f"{job.kind.replace('_', ' ')} job #{job.job_id} {job.status}: {job.message}"[:120]
    return None


def _check_dimension(dimension: str) -> None:
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension '{dimension}' is not one of {', '.join(DIMENSIONS)}")
