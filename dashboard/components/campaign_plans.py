"""The Campaigns view of the Campaign studio: the plans with their status, a plan's balance and
send lists, its measured results with interval charts, and planning a new campaign.

Everyone who may see charts sees the plans and results (aggregates); planning needs the
draft_campaign permission and send lists export_users, both checked on the server again by the
job and the export. Arms below the minimum group size are hidden by ``results.shown``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pandas as pd
import streamlit as st

from analytics.campaigns import plans, results, views
from analytics.campaigns.plans import HOLDOUT
from analytics.trust.access import Actor
from dashboard.components import campaign_form, data, trust
from dashboard.figures import campaigns as charts
from models.settings import Settings

PERCENT = st.column_config.NumberColumn(format="%.1f%%")
TWO_DECIMALS = st.column_config.NumberColumn(format="%.2f")
REDUCTION = (
    "1 - (CUPED interval width / unadjusted interval width)^2: the share of the variance the pre-period "
    "explained. Near 0, or slightly below, when users' past behaviour barely predicts the outcome."
)


def plan_list(today: date) -> pd.DataFrame:
    """The plans table (newest first) and the plans as loaded; empty before the first plan."""
    listing = data.cached(views.plan_listing, today)
    if listing.empty:
        st.info(
            "No campaign plans yet. Plan one below from a segment or saved audience and approved drafts, "
            "or run `python -m analytics plan ...`."
        )
        return listing
    table = pd.DataFrame(
        {
            "ID": listing["campaign_id"],
            "Name": listing["name"],
            "Status": listing["status"],
            "Audience": listing["source_name"],
            "Channel": listing["channel"],
            "Window": [f"{_day(r.start_day)} ({_days(r.start_day, r.end_day)} days)" for r in listing.itertuples()],
            "Variants": listing["variants"],
            "Holdout": 100 * listing["holdout_share"],
            "Users": listing["count_users"],
            "Sends": listing["count_sends"],
        }
    )
    narrow = {c: st.column_config.Column(width="small") for c in ("ID", "Variants", "Users", "Sends")}
    holdout = st.column_config.NumberColumn(format="%.0f%%", width="small")
    trust.show_table(table, key="cv_plans", column_config=narrow | {"Holdout": holdout})
    st.caption(
        "Window: the outcome window's first day and length. Status: planned (no send log yet), sending (sends "
        "imported, window not started), window open (figures are partial), results ready (the window has ended "
        "and the data covers it)."
    )
    return listing


def plan_picker(listing: pd.DataFrame) -> pd.Series:
    names = {int(r.campaign_id): f"{r.campaign_id}: {r.name}" for r in listing.itertuples()}
    chosen = st.selectbox("Campaign", list(names), format_func=names.get, key="cv_campaign")
    return listing[listing["campaign_id"] == chosen].iloc[0]


def balance(campaign_id: int) -> None:
    table = data.cached(views.stored_balance, campaign_id)
    if table.empty:
        return
    _balance_table(table, key="cv_balance")


def _balance_table(balance_frame: pd.DataFrame, *, key: str) -> None:
    shown = charts.balance_table(balance_frame)
    shares = [c for c in shown.columns if c not in ("RFM tier", "Users")]
    shown[shares] = 100 * shown[shares]
    trust.show_table(shown, users_column="Users", key=key, column_config={c: PERCENT for c in shares})
    st.caption(
        "Balance: the share of each arm's users in each RFM tier (as of the start) and the share of the "
        "tier held out. The draw is stratified on the tier, so the arms' columns read alike."
    )


def send_lists(who: Actor, plan: pd.Series) -> None:
    """One safe download per variant; the holdout is never offered (sending to it ends the test)."""
    if not who.can("export_users"):
        st.caption("Send lists need the marketer role.")
        return
    variants = [v for v in str(plan["variants"] or "").split(", ") if v and v != HOLDOUT]
    variant = st.selectbox("Send list of variant", variants, key="cv_send_variant")
    users = data.query("campaign_send_list", {"campaign_id": int(plan["campaign_id"]), "variant": variant})
    st.caption(
        "Users drawn to this variant who may receive marketing; the holdout is never exported for sending. "
        "Import what was sent with `python -m analytics import FILE --format sends`."
    )
    trust.download(users, f"campaign_{plan['campaign_id']}_variant_{variant}", key="cv_send", user_list=True)


def outcome(plan: pd.Series, min_users: int) -> None:
    """The plan's results: window warning, arms, the lift chart, CUPED and every interval."""
    if plan["status"] == views.PLANNED:
        st.info(
            f"No send log yet and the window starts on {_day(plan['start_day'])}: results appear here once "
            "sends are imported or the window opens."
        )
        return
    as_of = datetime.combine(today(), time.min)  # one cache entry a day; the window is judged by days
    result = results.shown(data.cached(results.compute, int(plan["campaign_id"]), now=as_of), min_users)
    for warning in result["warnings"]:
        st.warning(warning[0].upper() + warning[1:] + ".")
    arms = charts.arms_table(result).assign(**{"Conversion rate": lambda t: 100 * t["Conversion rate"]})
    money = {c: TWO_DECIMALS for c in arms.columns if c.startswith("Revenue")}
    trust.show_table(arms, key="cv_arms", column_config={"Conversion rate": PERCENT} | money)
    if charts.lift_rows(result):
        st.plotly_chart(charts.lift_intervals(result), key="cv_lift_chart")
    st.caption(_interval_note(result))
    _cuped(result)
    lifts = charts.lift_table(result)
    trust.show_table(lifts, key="cv_lifts", column_config=dict.fromkeys(["Estimate", "Low", "High"], TWO_DECIMALS))


def _interval_note(result: dict) -> str:
    lift = result["lift"]
    kind = "fixed-horizon 95% intervals (not sequentially valid)"
    if lift.get("adjustment") == "cuped":
        return (
            f"Conversion lift: treatment minus holdout, {kind}. Blue: CUPED-adjusted on each user's orders in "
            f"the {result['cuped'].get('pre_days')} days before the start ({lift['method']}); grey: the "
            "unadjusted Newcombe interval on the raw rates. Intervals that cross 0 do not show an effect."
        )
    return f"Conversion lift: treatment minus holdout, {kind}, Newcombe's interval on the raw rates."


def _cuped(result: dict) -> None:
    cuped = result["cuped"]
    if not cuped.get("used"):
        return
    revenue = [r for r in result["revenue_per_user"] if r.get("cuped", {}).get("used")]
    columns = st.columns(1 + len(revenue[:2]))
    columns[0].metric("CUPED variance reduction, conversion", f"{cuped['variance_reduction']:.1%}", help=REDUCTION)
    for column, r in zip(columns[1:], revenue, strict=False):
        reduction = f"{r['cuped']['variance_reduction']:.1%}"
        column.metric(f"CUPED variance reduction, revenue ({r['currency']})", reduction, help=REDUCTION)


def plan_form(who: Actor, run_settings: Settings) -> None:
    """Plan a campaign: the planner's choices, the draw previewed with its balance, then the ``plan``
    job that stores the same draw (same seed)."""
    if not who.can("draft_campaign"):
        st.caption("Planning a campaign needs the marketer role.")
        return
    request = campaign_form.request(run_settings)
    if request is None:
        return
    try:
        drawn = data.cached(views.preview, request)
    except plans.PlanError as exc:
        st.error(f"Plan: {exc}")
        return
    arms = ", ".join(f"{arm} {n:,}" for arm, n in drawn["arms"].items())
    st.markdown(f"**Preview** for {drawn['source_name']}: {arms} users (seed {request.seed}).")
    st.caption(f"{drawn['excluded_no_consent']:,} users declined marketing consent: in no arm, the holdout included.")
    for warning in plans.small_arm_warnings(drawn["arms"], run_settings.min_group_size):
        st.warning(warning[0].upper() + warning[1:] + ".")
    _balance_table(drawn["balance"], key="cv_preview_balance")
    if st.button("Create plan", type="primary", key="cv_create"):
        campaign_form.launch(who, request)


def today() -> date:
    return datetime.now(UTC).date()


def _day(value) -> date:
    return pd.Timestamp(value).date()


def _days(start, end) -> int:
    return (_day(end) - _day(start)).days + 1
