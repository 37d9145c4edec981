"""Widgets of the Segments page: run summary, segment cards, the rebuild form.

They show what analytics.segments.views returns; review text and phrases pass PII masking,
segments below the minimum group size are never shown on their own.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.segments.views import OTHER, other_size
from analytics.trust import privacy
from analytics.trust.access import Actor
from dashboard.components import jobs, trust

CARDS_PER_ROW = 2
FUNNEL_COLUMNS = {
    "segment": "Segment",
    "users_view": "Viewed",
    "users_cart": "Added to cart",
    "users_purchase": "Bought",
    "cart_conversion": "Cart rate",
    "purchase_conversion": "Cart to purchase",
    "overall_conversion": "View to purchase",
}


def run_summary(run: dict[str, Any]) -> str:
    """One sentence: which run is shown, how k was chosen, whether the text embedding was kept."""
    metrics = run["metrics"]
    how = "chosen automatically" if metrics.get("chosen_by") == "auto" else "set by hand"
    decision = metrics.get("text_decision", {})
    if run["embedding_model"]:
        text = "with the text embedding of what users wrote and bought"
    elif decision.get("mode") == "off":
        text = "without the text embedding (switched off)"
    elif decision.get("available"):
        text = "without the text embedding (it did not help on this data, see below)"
    else:
        text = "without the text embedding (no text to embed)"
    finished = pd.Timestamp(run["completed_at"]).strftime("%Y-%m-%d %H:%M")
    return f"Run {run['run_id']}, finished {finished} UTC: {run['k']} segments ({how}), {text}."


def text_decision_sentence(decision: dict[str, Any]) -> str:
    """Why the text embedding was kept or left out, with the figures behind it."""
    if "text_redundancy_r2" not in decision:
        return ""
    verdict = "kept" if decision["kept"] else "left out"
    return (
        f"The text embedding was {verdict}: the behaviour features predict "
        f"{decision['text_redundancy_r2']:.0%} of its information (it must be under "
        f"{decision['max_text_redundancy']:.0%} to count as new), and with it the segments explain "
        f"{decision['held_out_explained_with_text']:.1%} of the features left out of the clustering "
        f"against {decision['held_out_explained_without_text']:.1%} without it (at k = {decision['compared_at_k']})."
    )


def cards(profiles: pd.DataFrame, labels: dict[int, str], min_group_size: int) -> None:
    """One bordered card per shown segment, then one for the folded small segments."""
    shown = profiles[profiles["segment_id"].map(labels) != OTHER]
    for start in range(0, len(shown), CARDS_PER_ROW):
        row = shown.iloc[start : start + CARDS_PER_ROW]
        for column, (_, profile) in zip(st.columns(CARDS_PER_ROW), row.iterrows(), strict=False):
            with column.container(border=True, key=f"seg_card_{int(profile['segment_id'])}"):
                _card(profile)
    folded, users = other_size(profiles, min_group_size)
    if folded:
        st.caption(
            f"{OTHER}: {folded} segment(s) with fewer than {min_group_size} users each"
            + (f" ({users:,} users together)" if users >= min_group_size else "")
            + " are not shown on their own."
        )


def _card(profile: pd.Series) -> None:
    currency = profile["currency"] or ""
    st.markdown(f"#### {profile['name']}")
    unit = f" ({currency})" if currency else ""
    a, b, c = st.columns(3)
    a.metric("Users", f"{profile['count_users']:,}", help=f"{profile['share_users']:.1%} of all users")
    b.metric("Revenue share", f"{profile['share_revenue']:.0%}", help=f"Share of all revenue{unit} to date")
    clv = profile["clv"]
    c.metric(
        f"CLV{unit}",
        "-" if pd.isna(clv) else f"{clv:,.0f}",
        help="Predicted customer lifetime value over the next year, mean of the segment's customers "
        "(BG/NBD and Gamma-Gamma, as on the Conversion page).",
    )
    for trait in profile["traits"]:
        st.markdown(f"- {trait['sentence']}")
    if not profile["traits"]:
        st.markdown("- Close to the shop's average on every feature.")
    st.caption(_facts(profile))
    if profile["complaints"]:
        terms = ", ".join(f"“{privacy.mask_pii(c['term'])}” ({c['share']:.0%})" for c in profile["complaints"])
        if profile["complaints"][0].get("basis") == "aspect":
            st.caption(f"What their reviews are most often negative about: {terms}.")
        else:
            st.caption(f"Most frequent complaints in their 1-2 star reviews: {terms}.")
    st.caption("Representative users (closest to the segment's centre): " + ", ".join(profile["representatives"]))


def _facts(profile: pd.Series) -> str:
    parts = [f"{profile['share_users']:.0%} of users", f"{profile['conversion_rate']:.0%} have ordered"]
    if profile["top_categories"]:
        parts.append("top categories " + ", ".join(t["value"] for t in profile["top_categories"]))
    if profile["top_brands"]:
        parts.append("top brands " + ", ".join(t["value"] for t in profile["top_brands"]))
    if not pd.isna(profile["avg_rating"]):
        parts.append(f"average rating {profile['avg_rating']:.1f} stars")
    if profile["avg_sentiment"] is not None and not pd.isna(profile["avg_sentiment"]):
        parts.append(f"review sentiment {profile['avg_sentiment']:+.2f}")
    return "; ".join(parts) + "."


def funnel_table(per_segment: pd.DataFrame) -> None:
    """The funnel per segment (``segment_views.fold_segment_funnel``) as a table, small groups hidden."""
    trust.show_table(
        per_segment.rename(columns=FUNNEL_COLUMNS),
        users_column="Viewed",
        key="seg_funnel_table",
        column_config={
            name: st.column_config.NumberColumn(format="percent")
            for name in ("Cart rate", "Cart to purchase", "View to purchase")
        },
    )


def rebuild_form(who: Actor) -> None:
    """Start a segmentation run through the job runner (marketer role, checked on the server)."""
    if not who.can("rebuild_segments"):
        return
    with st.expander("Rebuild segments"):
        st.write("Builds a new run in the background; this page keeps showing the current run until it completes.")
        left, middle, right = st.columns(3)
        k = left.number_input("Segments (0: choose automatically)", 0, 50, 0, key="seg_rebuild_k")
        seed = middle.number_input("Seed", 0, 2**31 - 1, 0, key="seg_rebuild_seed")
        text = right.selectbox(
            "Text embedding", ["auto", "on", "off"], key="seg_rebuild_text", help="auto keeps it only where it helps"
        )
        if st.button("Rebuild segments", key="seg_rebuild", type="primary"):
            argv = ["segment", "--seed", str(int(seed)), "--text", text]
            if k:
                argv += ["--clusters", str(int(k))]
            params = {"clusters": int(k) or None, "seed": int(seed), "text": text}
            job_id = jobs.start_job(who, "rebuild_segments", "segment", argv, params)
            st.toast(f"Segmentation started (job {job_id}).")
