"""Campaign studio: a segment's products to feature, copy variants checked by code, drafts."""

import streamlit as st

from analytics.campaigns import drafts
from analytics.campaigns import studio as campaigns
from dashboard.components import campaigns as widgets
from dashboard.components import data, trust
from dashboard.components.context import settings

who = trust.gate("draft_campaign")
st.title("Campaign studio")
st.caption(
    "Pick a segment, see the products to feature for it, and draft copy for a channel: the team's channel "
    "patterns state your offer, the local language model writes opening lines. Every variant shown has passed "
    "every check; rejected ones say why."
)

data.require_warehouse()
run_settings = settings()
targets = widgets.segment_targets(run_settings)
if targets is None:
    st.info("No segments yet: build them on the Segments page or run `python -m analytics segment`.")
    st.stop()
if targets.empty:
    st.info(f"No segment has at least {run_settings.min_group_size} users, the minimum group size.")
    st.stop()

segment_id = widgets.segment_picker(targets)
context = data.cached(campaigns.segment_context, run_settings, segment_id, int(targets["run_id"].iloc[0]))

st.subheader("Products to feature")
widgets.products(context, run_settings.min_group_size)

st.subheader("Brief")
brief = widgets.brief_form(context)
if brief is not None:
    widgets.write_variants(who, run_settings, brief, context)
widgets.variants(who, run_settings, context)

st.subheader("Drafts")
widgets.drafts_section(who, run_settings)
trust.download(drafts.listing(run_settings), "campaign_drafts", key="camp_drafts_export", mask=["text"])
