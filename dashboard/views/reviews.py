"""Reviews: how customers feel, about what, in which category, brand, product and segment."""

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics.reviews import views as reviews
from analytics.reviews.sentiment_job import pending_count
from analytics.trust import privacy
from dashboard.components import data, jobs, trust
from dashboard.components.context import settings
from dashboard.components.filters import current_filters
from models.registry import ModelNotFound, resolve_model
from models.review_text import model_version

who = trust.gate("view_reviews")
st.title("Reviews")
st.caption("How customers feel about what they bought, read from their own words by a language model.")
data.require_warehouse()
flt = current_filters() or reviews.review_period(data.query("review_date_range"))
limit = settings().min_group_size
NUMBER_FORMATS = {
    "Average sentiment": st.column_config.NumberColumn(format="%+.2f"),
    "Sentiment": st.column_config.NumberColumn(format="%+.2f"),
    "Negative share": st.column_config.NumberColumn(format="percent"),
    "Average stars": st.column_config.NumberColumn(format="%.2f"),
    "Date": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
}


@st.fragment(run_every=3)
def job_progress() -> None:
    """The latest sentiment or training job, live, until it ends."""
    for job in jobs.job_table(limit=10).itertuples():
        if job.kind in ("sentiment", "train_sentiment"):
            total = job.progress_total or 0
            share = min(1.0, job.progress_done / total) if total else 0.0
            st.progress(share, text=f"{job.kind.replace('_', ' ')} job #{job.job_id} {job.status}: {job.message}"[:120])
            return


def score_action(model: str) -> None:
    try:
        version = model_version(resolve_model(model))
    except ModelNotFound as exc:
        st.caption(f"Cannot score with {reviews.model_label(model)}: {exc}")
        return
    pending = data.cached(pending_count, model, version)
    st.write(f"**{pending:,}** reviews with words are not yet scored by {reviews.model_label(model)}.")
    if st.button("Score new reviews", key="reviews_score", disabled=pending == 0):
        job_id = jobs.start_job(
            who, "run_model_job", "sentiment", ["sentiment", "--model", model], {"model": model, "aspects": True}
        )
        st.toast(f"Scoring started (job {job_id}).")


def train_action() -> None:
    counts = next(data.query("rated_review_counts").itertuples())
    blockers = reviews.training_blockers(counts._asdict())
    st.write(
        f"Rated reviews with words: **{counts.count_positive:,}** positive (4-5 stars), "
        f"**{counts.count_negative:,}** negative (1-2 stars) on {counts.count_products:,} products."
    )
    if blockers:
        st.caption("Not enough to train yet: " + "; ".join(blockers) + ".")
    if st.button("Train on our ratings", key="reviews_train", disabled=bool(blockers)):
        job_id = jobs.start_job(who, "run_model_job", "train_sentiment", ["train-sentiment"], {})
        st.toast(f"Training started (job {job_id}); it takes minutes on a CPU.")
    trained = data.query("trained_sentiment_models")
    if trained.empty:
        return
    st.caption("Models trained on our ratings, measured on products they never saw (decision at score 0).")
    trust.show_table(reviews.metrics_table(trained), key="reviews_trained_table")
    choice = st.selectbox(
        "Switch to a trained model", trained["model"], format_func=reviews.model_label, key="reviews_trained_choice"
    )
    if st.button("Score reviews with this model", key="reviews_use_model"):
        job_id = jobs.start_job(
            who, "run_model_job", "sentiment", ["sentiment", "--model", choice], {"model": choice, "aspects": True}
        )
        st.toast(f"Scoring with {reviews.model_label(choice)} started (job {job_id}).")


def actions(model: str) -> None:
    if not who.can("run_model_job"):
        return
    with st.expander("Score and train", expanded=model is None):
        job_progress()
        score_action(model or settings().sentiment_model)
        train_action()


models = data.query("review_sentiment_models")
if models.empty or flt is None:
    st.info("No review has been scored yet. Score them below, or run `python -m analytics sentiment`.")
    actions(None)
    st.stop()

model = st.selectbox("Sentiment model", models["model"], format_func=reviews.model_label, key="reviews_model")
params = reviews.scope_params(flt, model)
summary = next(data.query("review_sentiment_summary", params).itertuples())
cols = st.columns(5)
cols[0].metric("Reviews scored", f"{summary.count_reviews:,}")
cols[1].metric("Reviewers", f"{summary.count_reviewers:,}")
if summary.count_reviewers < limit:
    st.info(
        f"This selection has {summary.count_reviewers} reviewers; figures are shown from {limit}. "
        "Widen the dates or filters."
    )
    actions(model)
    st.stop()
cols[2].metric("Average sentiment", f"{summary.avg_score:+.2f}", help="-1 very negative, +1 very positive")
cols[3].metric("Negative reviews", f"{summary.share_negative:.0%}")
cols[4].metric("Average stars", f"{summary.avg_rating:.2f}" if pd.notna(summary.avg_rating) else "-")
st.caption("Traffic-source and device filters do not apply to reviews; reviews without a date are left out.")

st.subheader("Sentiment over time")
trend, hidden = privacy.suppress_small_groups(data.query("review_sentiment_trend", params), "count_reviewers", limit)
fig = px.line(
    trend,
    x="week_start",
    y="avg_score",
    markers=True,
    labels={"week_start": "Week", "avg_score": "Average sentiment"},
    range_y=[-1, 1],
)
st.plotly_chart(fig, key="reviews_trend_chart")
left_out = f"; {hidden} week(s) with fewer than {limit} reviewers left out" if hidden else ""
st.caption(f"Average review sentiment per week (-1 to +1){left_out}.")

st.subheader("By group")
dims = [
    d for d in reviews.DIMENSIONS if d != "segment" or bool(data.query("review_segment_run")["has_segments"].iloc[0])
]
dimension = st.radio("Break down by", dims, format_func=reviews.DIMENSIONS.get, horizontal=True, key="reviews_by")
breakdown = data.query("review_sentiment_breakdown", {**params, "dimension": dimension})
shown, hidden = privacy.suppress_small_groups(breakdown, "count_reviewers", limit)
fig = px.bar(
    shown.sort_values("avg_score"),
    x="avg_score",
    y="group_name",
    orientation="h",
    color="share_negative",
    color_continuous_scale="RdYlGn_r",
    range_x=[-1, 1],
    labels={
        "avg_score": "Average sentiment",
        "group_name": reviews.DIMENSIONS[dimension],
        "share_negative": "Negative share",
    },
)
st.plotly_chart(fig, key="reviews_breakdown_chart")
st.caption(
    f"Average sentiment of reviews per {dimension}, coloured by the share read as negative"
    f"{f'; {hidden} group(s) under {limit} reviewers hidden' if hidden else ''}."
)
table = shown.rename(columns={"group_name": reviews.DIMENSIONS[dimension], **reviews.GROUP_COLUMNS})
trust.show_table(table, users_column="Reviewers", key="reviews_breakdown_table", column_config=NUMBER_FORMATS)
trust.download(table, f"review_sentiment_by_{dimension}", key="reviews_breakdown_download", users_column="Reviewers")

st.subheader("What people talk about")
aspects, hidden = privacy.suppress_small_groups(data.query("review_aspect_breakdown", params), "count_reviewers", limit)
if aspects.empty:
    st.caption("No aspect with enough reviewers in this selection.")
else:
    long = aspects.melt(
        id_vars="aspect",
        value_vars=["count_negative", "count_neutral", "count_positive"],
        var_name="label",
        value_name="mentions",
    )
    long["label"] = long["label"].str.removeprefix("count_")
    long["aspect"] = long["aspect"].map(reviews.aspect_label)
    fig = px.bar(
        long,
        x="mentions",
        y="aspect",
        color="label",
        orientation="h",
        color_discrete_map=reviews.LABEL_COLOURS,
        category_orders={"aspect": aspects["aspect"].map(reviews.aspect_label).tolist()},
        labels={"mentions": "Reviews mentioning it", "aspect": "Aspect", "label": "Said about it"},
    )
    st.plotly_chart(fig, key="reviews_aspects_chart")
    st.caption(
        "Reviews that talk about each aspect, by the sentiment of what they say about it; most complaints first."
    )

st.subheader("Example reviews")
left, mid, right = st.columns(3)
group = left.selectbox(f"{reviews.DIMENSIONS[dimension]}", ["(all)", *shown["group_name"]], key="reviews_example_group")
aspect = mid.selectbox(
    "Talking about",
    ["(any)", *aspects["aspect"]],
    key="reviews_example_aspect",
    format_func=lambda a: a if a == "(any)" else reviews.aspect_label(a),
)
label = right.selectbox("Read as", ["(any)", "negative", "neutral", "positive"], key="reviews_example_label")
examples = data.query(
    "review_examples",
    {
        **params,
        "dimension": dimension,
        "groups": shown["group_name"].tolist() if group == "(all)" else [group],
        "aspect": None if aspect == "(any)" else aspect,
        "label": None if label == "(any)" else label,
    },
)
st.caption("The reviews behind a bar, strongest first; emails, phone and card numbers are masked.")
trust.show_table(
    examples.rename(columns=reviews.REVIEW_COLUMNS), key="reviews_examples_table", column_config=NUMBER_FORMATS
)

st.subheader("Stars and words disagree")
mismatches = data.query("review_mismatches", params)
st.caption(
    f"{len(mismatches)} review(s) whose text reads the opposite of their stars: worth a look (sarcasm, "
    "mistaken stars, or a complaint about one detail)."
)
trust.show_table(
    mismatches.rename(columns=reviews.REVIEW_COLUMNS), key="reviews_mismatch_table", column_config=NUMBER_FORMATS
)

actions(model)
