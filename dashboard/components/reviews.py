"""Widgets of the Reviews page: headline figures, example filters, and scoring and training.

They show what analytics.reviews.views returns and hand back plain values; starting a job goes
through dashboard.components.jobs (role checked on the server, audited).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.reviews import views as reviews
from analytics.reviews.sentiment_job import pending_count
from analytics.trust.access import Actor
from dashboard.components import data, jobs, trust
from models.registry import ModelNotFound, resolve_model
from models.review_text import model_version
from models.settings import Settings

NUMBER_FORMATS = {
    "Average sentiment": st.column_config.NumberColumn(format="%+.2f"),
    "Sentiment": st.column_config.NumberColumn(format="%+.2f"),
    "Negative share": st.column_config.NumberColumn(format="percent"),
    "Average stars": st.column_config.NumberColumn(format="%.2f"),
    "Date": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
}
ANY = "(any)"
ALL = "(all)"


def headline(summary: dict[str, Any], min_reviewers: int) -> bool:
    """The headline figures as metric cards; False (and says why) when the selection has fewer
    than ``min_reviewers`` reviewers, whose figures are not shown."""
    cols = st.columns(5)
    cols[0].metric("Reviews scored", f"{summary['count_reviews']:,}")
    cols[1].metric("Reviewers", f"{summary['count_reviewers']:,}")
    if summary["count_reviewers"] < min_reviewers:
        st.info(
            f"This selection has {summary['count_reviewers']} reviewers; figures are shown from {min_reviewers}. "
            "Widen the dates or filters."
        )
        return False
    cols[2].metric("Average sentiment", f"{summary['avg_score']:+.2f}", help="-1 very negative, +1 very positive")
    cols[3].metric("Negative reviews", f"{summary['share_negative']:.0%}")
    rating = summary["avg_rating"]
    cols[4].metric("Average stars", "-" if rating is None or pd.isna(rating) else f"{rating:.2f}")
    return True


def example_filters(
    dimension: str, groups: list[str], aspects: list[str]
) -> tuple[tuple[str, ...], str | None, str | None]:
    """Which example reviews to show: (groups of ``dimension``, aspect or None, label or None).
    "All" groups means every group offered, so examples never come from a hidden group."""
    left, mid, right = st.columns(3)
    group = left.selectbox(reviews.DIMENSIONS[dimension], [ALL, *groups], key="reviews_example_group")
    aspect = mid.selectbox(
        "Talking about",
        [ANY, *aspects],
        key="reviews_example_aspect",
        format_func=lambda a: a if a == ANY else reviews.aspect_label(a),
    )
    label = right.selectbox("Read as", [ANY, *reviews.LABELS], key="reviews_example_label")
    chosen = tuple(groups) if group == ALL else (group,)
    return chosen, None if aspect == ANY else aspect, None if label == ANY else label


def actions(who: Actor, settings: Settings, model: str | None) -> None:
    """Score new reviews and train on our ratings, for roles that may run model jobs."""
    if not who.can("run_model_job"):
        return
    with st.expander("Score and train", expanded=model is None):
        job_progress()
        score_action(who, model or settings.sentiment_model)
        train_action(who)


@st.fragment(run_every=3)
def job_progress() -> None:
    """The latest sentiment or training job, live, until it ends."""
    latest = reviews.job_progress(jobs.job_table(limit=10))
    if latest is not None:
        share, text = latest
        st.progress(share, text=text)


def score_action(who: Actor, model: str) -> None:
    try:
        version = model_version(resolve_model(model))
    except ModelNotFound as exc:
        st.caption(f"Cannot score with {reviews.model_label(model)}: {exc}")
        return
    pending = data.cached(pending_count, model, version)
    st.write(f"**{pending:,}** reviews with words are not yet scored by {reviews.model_label(model)}.")
    if st.button("Score new reviews", key="reviews_score", disabled=pending == 0):
        _score(who, model)


def train_action(who: Actor) -> None:
    counts = data.cached(reviews.rated_counts)
    blockers = reviews.training_blockers(counts)
    st.write(
        f"Rated reviews with words: **{counts['count_positive']:,}** positive (4-5 stars), "
        f"**{counts['count_negative']:,}** negative (1-2 stars) on {counts['count_products']:,} products."
    )
    if blockers:
        st.caption("Not enough to train yet: " + "; ".join(blockers) + ".")
    if st.button("Train on our ratings", key="reviews_train", disabled=bool(blockers)):
        job_id = jobs.start_job(who, "run_model_job", "train_sentiment", ["train-sentiment"], {})
        st.toast(f"Training started (job {job_id}); it takes minutes on a CPU.")
    trained = data.cached(reviews.trained_models)
    if trained.empty:
        return
    st.caption("Models trained on our ratings, measured on products they never saw (decision at score 0).")
    trust.show_table(reviews.metrics_table(trained), key="reviews_trained_table")
    choice = st.selectbox(
        "Switch to a trained model", trained["model"], format_func=reviews.model_label, key="reviews_trained_choice"
    )
    if st.button("Score reviews with this model", key="reviews_use_model"):
        _score(who, choice)


def _score(who: Actor, model: str) -> None:
    argv = ["sentiment", "--model", model]
    job_id = jobs.start_job(who, "run_model_job", "sentiment", argv, {"model": model, "aspects": True})
    st.toast(f"Scoring with {reviews.model_label(model)} started (job {job_id}).")
