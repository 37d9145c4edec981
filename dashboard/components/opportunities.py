"""The Opportunities section of the Segments page: the assumptions as inputs, the segments ranked
by a campaign's expected value (analytics.campaigns.opportunities), a chart and the table.

Segments with fewer reachable users than the minimum group size are not shown (the page says
how many); complaint phrases come from reviews and pass PII masking in ``trust.show_table``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.campaigns import opportunities
from analytics.campaigns.opportunities import Assumptions, MeasuredUplift
from analytics.trust import privacy
from dashboard.components import data, trust
from dashboard.figures import opportunities as charts

BASIS_LABELS = {
    "aov": "Each segment's average order value",
    "clv": "Each segment's predicted CLV",
    "fixed": "One amount for every segment",
}


def assumptions_inputs(measured: MeasuredUplift | None = None) -> Assumptions:
    """Number inputs for the uplift and the value of a conversion; the uplift starts at the
    shop's measured one (``measured``, from its past campaigns) or else the stated prior."""
    default = Assumptions(measured=measured)
    left, middle, right = st.columns(3)
    points = left.number_input(
        "Uplift (percentage points)",
        min_value=0.1,
        max_value=100.0,
        value=float(default.points),
        step=0.5,
        format="%.1f",
        key="opp_uplift",
        help="The extra share of reachable users a campaign makes order. " + default.uplift_source().capitalize(),
    )
    basis = middle.selectbox(
        "Value per conversion", list(BASIS_LABELS), format_func=BASIS_LABELS.get, key="opp_value_basis"
    )
    fixed = None
    if basis == "fixed":
        fixed = right.number_input("Amount per conversion", min_value=0.01, value=50.0, key="opp_fixed_value")
    return Assumptions(uplift_points=points, value_basis=basis, fixed_value=fixed, measured=measured)


def section(min_users: int, measured: MeasuredUplift | None = None) -> None:
    """The whole section: inputs, how the figures are made, chart and table."""
    st.subheader("Opportunities")
    assumptions = assumptions_inputs(measured)
    ranked = opportunities.rank(data.cached(opportunities.baselines), assumptions)
    shown, hidden = privacy.suppress_small_groups(ranked, "reachable_users", min_users)
    st.caption(
        f"Expected value = reachable users x uplift x value per conversion. Uplift: {assumptions.points:g} "
        f"points, {assumptions.uplift_source()}. Reachable: users who have not declined marketing. "
        "Baseline figures over all history, as on the cards; drop: the funnel step that keeps the "
        "smallest share of the users of the step before."
    )
    if hidden:
        st.caption(f"{hidden} segment(s) with fewer than {min_users} reachable users are not shown.")
    if shown.empty:
        st.info(f"No segment has {min_users} reachable users.")
        return
    st.plotly_chart(charts.expected_value(shown), key="opp_chart")
    st.markdown("\n".join(f"{place}. {sentence}" for place, sentence in enumerate(shown["sentence"], start=1)))
    trust.show_table(table(shown), users_column="Reachable users", key="opp_table", column_config=_formats(shown))


def table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked opportunities as the page shows them: plain column names, one row per segment."""
    steps = zip(ranked["drop_step"], ranked["drop_step_rate"], ranked["shop_step_rate"], strict=True)
    drop = [None if pd.isna(rate) else f"{step}: {rate:.0%} go on (shop {shop:.0%})" for step, rate, shop in steps]
    return pd.DataFrame(
        {
            "Segment": ranked["segment"],
            "Reachable users": ranked["reachable_users"],
            "Expected value": ranked["expected_value"],
            "Extra orders": ranked["extra_conversions"],
            "Value per conversion": ranked["value_per_conversion"],
            "Users": ranked["users"],
            "Have ordered": ranked["conversion_rate"],
            "Average order value": ranked["avg_order_value"],
            "Predicted CLV": ranked["clv"],
            "Churn risk": ranked["churn_risk"],
            "Drops most at": drop,
            "Complaints": ranked["complaints"],
            "In a sentence": ranked["sentence"],
        }
    )


def _formats(ranked: pd.DataFrame) -> dict:
    currency = ranked["currency"].dropna().iloc[0] if ranked["currency"].notna().any() else ""
    money = st.column_config.NumberColumn(format=f"%.0f {currency}".strip())
    percent = st.column_config.NumberColumn(format="percent")
    return {
        "Expected value": money,
        "Value per conversion": money,
        "Average order value": money,
        "Predicted CLV": money,
        "Extra orders": st.column_config.NumberColumn(format="%.1f"),
        "Have ordered": percent,
        "Churn risk": percent,
    }
