"""Plotly figure for the Opportunities section of the Segments page (pure: no streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.campaigns.opportunities import about
from dashboard.figures.segments import LAYOUT, colours


def expected_value(ranked: pd.DataFrame) -> go.Figure:
    """The expected extra revenue of a campaign per segment (``segment, expected_value,
    currency`` of analytics.campaigns.opportunities.rank), best at the top."""
    shown = ranked.dropna(subset=["expected_value"])
    currency = shown["currency"].dropna().iloc[0] if shown["currency"].notna().any() else ""
    order = list(shown["segment"])
    fig = px.bar(
        shown,
        x="expected_value",
        y="segment",
        orientation="h",
        color="segment",
        color_discrete_map=colours(order),
        category_orders={"segment": order},
        text=[f"about {about(v):,.0f} {currency}".strip() for v in shown["expected_value"]],
        labels={"expected_value": f"Expected value ({currency})".replace(" ()", ""), "segment": ""},
    )
    fig.update_traces(textposition="auto", hovertemplate="%{y}: %{x:,.0f}<extra></extra>")
    layout = LAYOUT | {"height": 80 + 45 * len(order)}
    fig.update_layout(title="Expected value of a campaign per segment", showlegend=False, **layout)
    return fig
