"""The widgets that make a campaign plan request: whom to target (a segment or a saved audience),
the name, channel, approved drafts as variants, holdout share, seed and outcome window; and the
launch of the ``plan`` job that stores it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from analytics.campaigns import drafts, plans, views
from analytics.campaigns.copy_rules import CHANNELS
from analytics.commands.plan import argv_for
from analytics.trust import privacy
from analytics.trust.access import Actor
from dashboard.components import campaigns as studio_widgets
from dashboard.components import data, jobs
from models.settings import Settings

SEED_KEY = "cv_seed"


def request(run_settings: Settings) -> plans.PlanRequest | None:
    """The plan asked for, or None while something is missing (the page says what)."""
    source = _source(run_settings)
    if source is None:
        return None
    left, right = st.columns(2)
    name = left.text_input("Campaign name (as send logs will name it)", key="cv_name")
    channel = right.selectbox("Channel", list(CHANNELS), format_func=lambda c: CHANNELS[c].label, key="cv_channel")
    variants = _variants(run_settings, channel)
    a, b, c, d = st.columns(4)
    holdout = a.number_input("Holdout share", 0.01, 0.99, plans.DEFAULT_HOLDOUT_SHARE, step=0.05, key="cv_holdout")
    if SEED_KEY not in st.session_state:  # one random seed per session; the planner may set another
        st.session_state[SEED_KEY] = plans.new_seed()
    seed = b.number_input("Seed", 0, 2**31 - 1, step=1, key=SEED_KEY)
    first = datetime.now(UTC).date() + timedelta(days=1)
    start = c.date_input("Window starts", value=first, key="cv_start")
    end = d.date_input("Window ends (inclusive)", value=first + timedelta(days=13), key="cv_end")
    if not name.strip() or not variants:
        st.caption("Name the campaign and choose at least one approved draft to see the draw.")
        return None
    return plans.PlanRequest(name, channel, source, variants, start, end, float(holdout), int(seed))


def _source(run_settings: Settings) -> plans.Source | None:
    kind = st.radio("Target", ["Segment", "Saved audience"], horizontal=True, key="cv_source_kind")
    if kind == "Segment":
        targets = studio_widgets.segment_targets(run_settings)
        if targets is None:
            st.caption("No segments yet: build them on the Segments page, or target a saved audience.")
            return None
        if targets.empty:
            st.caption(f"No segment has at least {run_settings.min_group_size} users, the minimum group size.")
            return None
        names = {int(r.segment_id): f"{r.name} ({r.count_users:,} users)" for r in targets.itertuples()}
        segment = st.selectbox("Segment", list(names), format_func=names.get, key="cv_segment")
        return plans.Source("segment", segment, int(targets["run_id"].iloc[0]))
    audiences = data.cached(views.saved_audiences)
    if audiences.empty:
        st.caption("No saved audience yet: save one on the Conversion page.")
        return None
    names = {int(r.audience_id): f"{r.name} ({r.count_users:,} users)" for r in audiences.itertuples()}
    audience = st.selectbox("Saved audience", list(names), format_func=names.get, key="cv_audience")
    return plans.Source("audience", audience)


def _variants(run_settings: Settings, channel: str) -> tuple[plans.Variant, ...]:
    approved = drafts.listing(run_settings, status="approved")
    approved = approved[approved["channel"] == channel]
    if approved.empty:
        st.caption(f"No approved {CHANNELS[channel].label.lower()} draft yet: approve drafts in the Copy studio tab.")
        return ()
    texts = dict(zip(approved["draft_id"].astype(int), approved["text"], strict=True))
    chosen = st.multiselect(
        "Variants (approved drafts, in order: A, B, ...)",
        list(texts),
        format_func=lambda i: f"Draft {i}: {_short(texts[i])}",
        key="cv_variants",
    )
    try:
        return plans.variants_from_drafts(run_settings, chosen, channel)
    except plans.PlanError as exc:
        st.error(f"Plan: {exc}")
        return ()


def launch(who: Actor, request: plans.PlanRequest) -> None:
    """Start the ``plan`` job (the role is checked again there) and say so."""
    argv = argv_for(request)
    params = {"name": request.name.strip(), "channel": request.channel, "seed": request.seed}
    job_id = jobs.start_job(who, "draft_campaign", "plan", argv, params)
    st.success(f"Plan job #{job_id} started: the plan appears in the list when it is published.")


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(str(privacy.mask_pii(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
