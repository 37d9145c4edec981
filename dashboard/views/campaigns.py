"""Campaign studio: copy for a segment checked by code and kept as drafts; campaign plans with a
random holdout, their send lists and their measured lift."""

import streamlit as st

from analytics.campaigns import drafts
from analytics.campaigns import studio as campaigns
from analytics.trust.access import Actor
from dashboard.components import campaign_plans as plans_view
from dashboard.components import campaigns as widgets
from dashboard.components import data, trust
from dashboard.components.context import settings
from models.settings import Settings

who = trust.gate("view_charts")
st.title("Campaign studio")
st.caption(
    "Copy studio: pick a segment, see the products to feature for it, and draft copy for a channel: the team's "
    "channel patterns state your offer, the local language model writes opening lines; every variant shown has "
    "passed every check. Campaigns: plans with a random holdout, their send lists, and the lift they measured."
)
data.require_warehouse()
run_settings = settings()


def copy_studio(who: Actor, run_settings: Settings) -> None:
    if not who.can("draft_campaign"):
        st.info("Writing copy and drafts needs the marketer role; the Campaigns tab shows every plan and its results.")
        return
    targets = widgets.segment_targets(run_settings)
    if targets is None:
        st.info("No segments yet: build them on the Segments page or run `python -m analytics segment`.")
        return
    if targets.empty:
        st.info(f"No segment has at least {run_settings.min_group_size} users, the minimum group size.")
        return
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


def campaigns_view(who: Actor, run_settings: Settings) -> None:
    st.subheader("Campaign plans")
    listing = plans_view.plan_list(plans_view.today())
    if not listing.empty:
        plan = plans_view.plan_picker(listing)
        st.markdown(f"**{plan['name']}** · {plan['status']}")
        st.subheader("Results")
        plans_view.outcome(plan, run_settings.min_group_size)
        st.subheader("Balance of the draw")
        plans_view.balance(int(plan["campaign_id"]))
        st.subheader("Send lists")
        plans_view.send_lists(who, plan)
    st.subheader("Plan a campaign")
    plans_view.plan_form(who, run_settings)


studio_tab, campaigns_tab = st.tabs(["Copy studio", "Campaigns"])
with studio_tab:
    copy_studio(who, run_settings)
with campaigns_tab:
    campaigns_view(who, run_settings)
