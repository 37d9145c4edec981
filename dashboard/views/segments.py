"""Segments: who the customers are, why they belong together, how they convert; export a segment."""

import streamlit as st

from analytics.conversion import funnels
from analytics.core import metrics
from analytics.segments import views as segment_views
from analytics.segments.profiles import RFM_TIERS
from dashboard.components import data, filters, trust
from dashboard.components import opportunities as opportunity_widgets
from dashboard.components import segments as widgets
from dashboard.components.context import settings
from dashboard.figures import segments as charts

who = trust.gate("view_segments")
st.title("Segments")
st.caption("Groups of customers who behave alike, what sets each apart, and how each converts.")

data.require_warehouse()
run = data.cached(segment_views.latest_run)
if run is None:
    st.info("No segments yet: rebuild them below, or run `python -m analytics segment`.")
    widgets.rebuild_form(who)
    st.stop()

min_users = settings().min_group_size
profiles = data.cached(segment_views.run_profiles, run["run_id"])
labels = segment_views.display_labels(profiles, min_users)
order = list(dict.fromkeys(labels.values()))
st.write(widgets.run_summary(run))

# Segment cards: traits as sentences, figures from the profile.
widgets.cards(profiles, labels, min_users)

# How k was chosen and whether the text embedding helped.
with st.expander("How the segments were built"):
    evidence = segment_views.k_evidence(run)
    if evidence.empty:
        st.write(f"The number of segments ({run['k']}) was set by hand.")
    else:
        st.plotly_chart(charts.k_evidence(evidence), key="seg_evidence_chart")
        st.caption(
            "Stability: how alike the segments of repeated fits on different samples are (adjusted Rand index); "
            "silhouette: how well separated users are. The chosen k separates best among the stable ones."
        )
    st.write(widgets.text_decision_sentence(run["metrics"].get("text_decision", {})))

# Map of users.
st.subheader("Map")
points = segment_views.map_points(data.query("segment_map_points", {"run_id": run["run_id"]}), labels)
st.plotly_chart(charts.segment_map(points, order), key="seg_map_chart")
st.caption(
    "Each dot is a user of a random sample, placed by the first two principal components of the "
    "features the segments were built from; nearby dots behave alike."
)

# RFM mix per segment.
if any(profiles["rfm_mix"].map(bool)):
    st.plotly_chart(charts.rfm_mix(profiles, labels, list(RFM_TIERS)), key="seg_rfm_chart")
    st.caption(metrics.caption("rfm"))

# Compare two segments.
st.subheader("Compare two segments")
shown_ids = [int(s) for s in profiles["segment_id"] if labels[int(s)] != segment_views.OTHER]
names = {s: labels[s] for s in shown_ids}
if len(shown_ids) >= 2:
    left, right = st.columns(2)
    first = left.selectbox("Segment", shown_ids, index=0, format_func=names.get, key="seg_compare_a")
    second = right.selectbox("against", shown_ids, index=1, format_func=names.get, key="seg_compare_b")
    compared = segment_views.comparison(profiles, first, second)
    trust.show_table(compared, key="seg_compare_table", height=35 * (len(compared) + 1) + 3)
    st.caption("Figures of each segment over all its users and all history; money in the main currency.")
else:
    st.info(f"Fewer than two segments have at least {min_users} users; there is nothing to compare.")

# Funnel per segment, under the sidebar filters.
st.subheader("Funnel per segment")
flt = filters.current_filters()
if flt is not None:
    groups = data.cached(funnels.funnel_breakdown, flt, funnels.FunnelOptions(), ("segment",))
    per_segment = segment_views.fold_segment_funnel(groups, labels)
    per_segment = per_segment[per_segment["users_view"] >= min_users]
    if per_segment.empty:
        st.info(f"No segment has {min_users} viewers under the current filters.")
    else:
        st.plotly_chart(charts.funnel_by_segment(per_segment, order), key="seg_funnel_chart")
        st.caption(metrics.caption("funnel") + " Bars: users who added to cart or bought / users who viewed.")
        widgets.funnel_table(per_segment)

# Where a campaign would pay most: expected value per segment, every assumption an input.
opportunity_widgets.section(min_users)

# Export a segment's user ids.
st.subheader("Export a segment")
if shown_ids:
    chosen = st.selectbox("Segment to export", shown_ids, format_func=names.get, key="seg_export_segment")
    users = data.cached(segment_views.members, run["run_id"], chosen)
    st.write(f"{len(users):,} users in this segment (run {run['run_id']}); users who declined marketing are left out.")
    trust.download(users, f"segment_run{run['run_id']}_{chosen}", key="seg_export", user_list=True)

widgets.rebuild_form(who)
