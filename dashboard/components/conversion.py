"""Widgets of the Overview and Conversion pages: KPI cards, funnel options, audiences, small-group masking.

Each helper returns plain values (a FunnelOptions, a DataFrame); the logic that consumes them
lives in analytics/ and never imports streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import streamlit as st

from analytics.commands.save_audience import argv_for
from analytics.conversion import funnels
from analytics.conversion.funnels import FunnelOptions
from analytics.conversion.trends import Change
from analytics.core import marts, metrics
from analytics.core.filters import Filters
from analytics.trust import privacy
from analytics.trust.access import Actor
from dashboard.components import data, filters, jobs, trust
from dashboard.figures.conversion_tables import Table

WINDOWS_DAYS = (1, 3, 7, 14, 30)
AUDIENCES = {  # label: (the step users reached, the step they did not reach)
    "Abandoned carts: added to cart, did not buy": ("cart", "purchase"),
    "Viewed, did not add to cart": ("view", "cart"),
    "Bought": ("purchase", None),
}


def page_scope() -> Filters:
    """What the Overview and Conversion pages start from: the sidebar's filters on a published
    warehouse with events (the page stops with guidance otherwise), with stale marts called out."""
    data.require_warehouse()
    flt = filters.current_filters()
    if flt is None:
        st.info("The warehouse holds no events yet.")
        st.stop()
    warn_if_stale()
    return flt


def warn_if_stale() -> None:
    """Say so when the marts these pages read lag behind the warehouse's events."""
    if data.cached(marts.is_stale):
        st.warning(
            "The pre-aggregated tables behind this page are older than the data: run "
            "`python -m analytics refresh-marts` (or look at the failed job on the Data page)."
        )


def kpi_cards(changes: Iterable[Change], per_row: int = 3) -> None:
    """One st.metric per change: value, relative change and the test's verdict; definition as help."""
    changes = list(changes)
    for start in range(0, len(changes), per_row):
        row = changes[start : start + per_row]
        for column, change in zip(st.columns(per_row), row, strict=False):
            metric = metrics.METRICS[change.metric]
            label = f"{metric.label} ({change.currency})" if change.currency else metric.label
            delta = None if np.isnan(change.relative) else f"{change.relative:+.1%}"
            column.metric(
                label,
                metrics.format_value(change.metric, change.current, change.currency),
                delta=delta,
                delta_description=_verdict(change) if delta else None,
                help=metric.definition,
                border=True,
            )


def _verdict(change: Change) -> str:
    if change.p_value is None:
        return "not testable"
    if change.significant:
        return f"significant, p={change.p_value:.3f}"
    return "normal variation"


def funnel_options() -> tuple[FunnelOptions, str]:
    """The funnel options chosen on the page (keys ``conv_*``) and what to count by (users/sessions)."""
    left, middle, right = st.columns([2, 2, 3])
    scope = left.radio("Steps happen", ["within one session", "across sessions"], key="conv_scope", horizontal=True)
    across = scope == "across sessions"
    window = middle.selectbox(
        "Window per step (days)",
        WINDOWS_DAYS,
        index=WINDOWS_DAYS.index(7),
        key="conv_window",
        disabled=not across,
        help="Across sessions: the most days each step may follow the previous one.",
    )
    with right:
        any_order = st.checkbox(
            "Steps in any order",
            key="conv_any_order",
            disabled=across,
            help="Within a session, count view, cart and purchase of a product in any order.",
        )
        cart_optional = st.checkbox(
            "Cart step optional",
            key="conv_cart_optional",
            help="A view followed by a purchase converts without an add-to-cart.",
        )
        repeat = st.checkbox(
            "Count repeat purchases",
            key="conv_repeat",
            disabled=across,
            help="Also show how many purchases (not only buyers) the purchase step holds.",
        )
    count_by = "users" if across else left.radio("Count", ["users", "sessions"], key="conv_count_by", horizontal=True)
    options = FunnelOptions(
        across_sessions=across,
        window_days=int(window),
        any_order=any_order and not across,
        cart_optional=cart_optional,
        count_repeat_purchases=repeat and not across,
    )
    return options, count_by


def audience_panel(who: Actor, flt: Filters, options: FunnelOptions) -> None:
    """The users of a funnel step: how many, a safe download, and saving them as a named audience
    (a job, for roles that may save audiences)."""
    choice = st.selectbox("Users of a step", list(AUDIENCES), key="conv_audience")
    step, not_step = AUDIENCES[choice]
    users = data.cached(funnels.audience, flt, options, step, not_step)
    st.write(f"{len(users):,} users under the current filters and funnel options.")
    trust.download(users, "audience", key="conv_audience_download", user_list=True)
    if not who.can("save_audience"):
        return
    name = st.text_input("Save as audience named", key="conv_audience_name", placeholder="e.g. abandoned carts March")
    if st.button("Save audience", key="conv_audience_save", disabled=not name.strip()):
        argv = argv_for(name.strip(), flt, options, step, not_step)
        job_id = jobs.start_job(who, "save_audience", "audience", argv, {"name": name.strip(), "argv": argv})
        st.toast(f"Saving the audience (job {job_id}).")


def mask_small_groups(
    df: pd.DataFrame, users_column: str, columns: Iterable[str], min_users: int
) -> tuple[pd.DataFrame, int]:
    """Blank ``columns`` where a row describes fewer than ``min_users`` users (a chart keeps its axis).

    Returns the masked copy and how many rows were blanked.
    """
    small = privacy.small_groups(df, users_column, min_users)
    out = df.copy()
    for column in columns:
        out[column] = out[column].astype(float).where(~small)
    return out, int(small.sum())


def hidden_note(hidden: int, min_users: int, what: str = "points") -> None:
    if hidden:
        st.caption(f"{hidden} {what} describing fewer than {min_users} users are not shown.")


def show(table: Table, *, key: str, name: str, users_column: str | None = None) -> None:
    """Show a table through the trust components, formatted, with its safe CSV/Parquet download."""
    config = {column: st.column_config.NumberColumn(format=fmt) for column, fmt in table.formats.items()}
    trust.show_table(table.frame, users_column=users_column, key=f"{key}_table", column_config=config, placeholder="-")
    trust.download(table.frame, name, key=f"{key}_download", users_column=users_column)


def clv_check_sentence(models: pd.DataFrame, currency: str) -> str:
    """One sentence on the CLV model of ``currency``: why it is missing, or its holdout check."""
    rows = models[models["currency"] == currency]
    if rows.empty:
        return f"No CLV model for {currency}: the marts have not been refreshed since it had orders."
    row = rows.iloc[0]
    if row["status"] != "fitted":
        return f"CLV model ({currency}): {row['status']}."
    if pd.isna(row["holdout_days"]):
        return (
            f"CLV model ({currency}): fitted on {int(row['count_customers']):,} customers; history too short to check."
        )
    return (
        f"CLV model check ({currency}): fitted again on the history before the last {int(row['holdout_days'])} "
        f"days, it predicted {row['holdout_predicted_purchases']:,.0f} purchase days for its "
        f"{int(row['holdout_customers']):,} customers in those days; {row['holdout_actual_purchases']:,.0f} happened."
    )
