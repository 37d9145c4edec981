"""Reviews: how customers feel, about what, in which category, brand, product and segment."""

import streamlit as st

from analytics.reviews import views as reviews
from analytics.trust import privacy
from dashboard.components import data, trust
from dashboard.components import reviews as widgets
from dashboard.components.context import settings
from dashboard.components.filters import current_filters
from dashboard.figures import reviews as charts

who = trust.gate("view_reviews")
st.title("Reviews")
st.caption("How customers feel about what they bought, read from their own words by a language model.")
data.require_warehouse()
run_settings = settings()
limit = run_settings.min_group_size
flt = current_filters() or data.cached(reviews.period)

models = data.cached(reviews.scored_models)
if not models or flt is None:
    st.info("No review has been scored yet. Score them below, or run `python -m analytics sentiment`.")
    widgets.actions(who, run_settings, None)
    st.stop()

model = st.selectbox("Sentiment model", models, format_func=reviews.model_label, key="reviews_model")
if not widgets.headline(data.cached(reviews.summary, flt, model), limit):
    widgets.actions(who, run_settings, model)
    st.stop()
st.caption("Traffic-source and device filters do not apply to reviews; reviews without a date are left out.")

st.subheader("Sentiment over time")
trend, hidden = privacy.suppress_small_groups(data.cached(reviews.trend, flt, model), "count_reviewers", limit)
st.plotly_chart(charts.sentiment_trend(trend), key="reviews_trend_chart")
left_out = f"; {hidden} week(s) with fewer than {limit} reviewers left out" if hidden else ""
st.caption(f"Average review sentiment per week (-1 to +1){left_out}.")

st.subheader("By group")
dimensions = data.cached(reviews.dimensions)
dimension = st.radio("Break down by", dimensions, format_func=reviews.DIMENSIONS.get, horizontal=True, key="reviews_by")
breakdown = data.cached(reviews.breakdown, flt, model, dimension)
shown, hidden = privacy.suppress_small_groups(breakdown, "count_reviewers", limit)
st.plotly_chart(charts.sentiment_by_group(shown, dimension), key="reviews_breakdown_chart")
st.caption(
    f"Average sentiment of reviews per {dimension}, coloured by the share read as negative"
    f"{f'; {hidden} group(s) under {limit} reviewers hidden' if hidden else ''}."
)
table = reviews.breakdown_table(shown, dimension)
trust.show_table(table, users_column="Reviewers", key="reviews_breakdown_table", column_config=widgets.NUMBER_FORMATS)
trust.download(table, f"review_sentiment_by_{dimension}", key="reviews_breakdown_download", users_column="Reviewers")

st.subheader("What people talk about")
aspects, _ = privacy.suppress_small_groups(data.cached(reviews.aspects, flt, model), "count_reviewers", limit)
if aspects.empty:
    st.caption("No aspect with enough reviewers in this selection.")
else:
    st.plotly_chart(charts.aspect_bars(aspects), key="reviews_aspects_chart")
    st.caption(
        "Reviews that talk about each aspect, by the sentiment of what they say about it; most complaints first."
    )

st.subheader("Example reviews")
groups, aspect, label = widgets.example_filters(dimension, shown["group_name"].tolist(), aspects["aspect"].tolist())
examples = data.cached(reviews.examples, flt, model, dimension, groups, aspect, label)
st.caption("The reviews behind a bar, strongest first; emails, phone and card numbers are masked.")
trust.show_table(examples, key="reviews_examples_table", column_config=widgets.NUMBER_FORMATS)

st.subheader("Stars and words disagree")
mismatches = data.cached(reviews.mismatches, flt, model)
st.caption(
    f"{len(mismatches)} review(s) whose text reads the opposite of their stars: worth a look (sarcasm, "
    "mistaken stars, or a complaint about one detail)."
)
trust.show_table(mismatches, key="reviews_mismatch_table", column_config=widgets.NUMBER_FORMATS)

widgets.actions(who, run_settings, model)
