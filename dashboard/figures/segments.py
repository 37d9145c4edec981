"""Plotly figures for the Segments page: pure functions from tables to figures (no streamlit).

Labels are plain words; segment colours stay the same across the page's charts.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.segments.views import OTHER

PALETTE = px.colors.qualitative.Safe
LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 360,
    "legend": {"orientation": "h", "y": -0.15, "x": 0},
}


def colours(labels: list[str]) -> dict[str, str]:
    """One colour per segment label, grey for the folded small segments."""
    named = [label for label in dict.fromkeys(labels) if label != OTHER]
    mapping = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(named)}
    mapping[OTHER] = "#9aa4b2"
    return mapping


def segment_map(points: pd.DataFrame, order: list[str]) -> go.Figure:
    """Users of the map sample (``x, y, segment``) as dots coloured by segment."""
    fig = px.scatter(
        points,
        x="x",
        y="y",
        color="segment",
        color_discrete_map=colours(order),
        category_orders={"segment": order},
        opacity=0.6,
        labels={"segment": "Segment"},
    )
    fig.update_traces(marker={"size": 5}, hovertemplate="%{fullData.name}<extra></extra>")
    fig.update_layout(title="Users by segment (a sample, first two principal components)", **(LAYOUT | {"height": 460}))
    fig.update_xaxes(title="component 1", showticklabels=False)
    fig.update_yaxes(title="component 2", showticklabels=False)
    return fig


def k_evidence(evidence: pd.DataFrame) -> go.Figure:
    """Silhouette and stability for each candidate k, the chosen one marked."""
    fig = go.Figure()
    fig.add_scatter(
        x=evidence["k"],
        y=evidence["stability"],
        name="stability (same segments across fits)",
        mode="lines+markers",
        line={"color": "#1f6feb"},
    )
    fig.add_scatter(
        x=evidence["k"],
        y=evidence["silhouette"],
        name="silhouette (separation)",
        mode="lines+markers",
        line={"color": "#d97706"},
        yaxis="y2",
    )
    chosen = evidence.loc[evidence["chosen"], "k"]
    for k in chosen:
        fig.add_vline(x=k, line_dash="dot", line_color="#6b7280", annotation_text=f"chosen: {k}")
    fig.update_layout(
        title="Evidence for the number of segments",
        **(
            LAYOUT
            | {
                "height": 340,
                "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
            }
        ),
        yaxis={"title": "stability", "range": [0, 1.05], "tickformat": ".0%"},
        yaxis2={"title": "silhouette", "overlaying": "y", "side": "right", "tickformat": ".2f"},
    )
    fig.update_xaxes(title="number of segments (k)", dtick=1)
    return fig


def rfm_mix(profiles: pd.DataFrame, labels: dict[int, str], tiers: list[str]) -> go.Figure:
    """Stacked shares of RFM tiers per shown segment."""
    fig = go.Figure()
    shown = profiles[profiles["segment_id"].map(labels) != OTHER]
    names = [labels[int(s)] for s in shown["segment_id"]]
    for i, tier in enumerate(tiers):
        values = [mix.get(tier, 0.0) for mix in shown["rfm_mix"]]
        if any(values):
            fig.add_bar(
                x=values,
                y=names,
                name=tier,
                orientation="h",
                marker_color=px.colors.qualitative.Pastel[i % len(px.colors.qualitative.Pastel)],
            )
    fig.update_layout(
        barmode="stack", title="RFM tiers within each segment", **(LAYOUT | {"height": max(260, 40 * len(names) + 120)})
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return fig


def funnel_by_segment(funnel: pd.DataFrame, order: list[str]) -> go.Figure:
    """Viewers who added to cart and who bought, per segment."""
    fig = go.Figure()
    shown = funnel.iloc[::-1]
    fig.add_bar(
        y=shown["segment"],
        x=shown["cart_conversion"],
        name="added to cart",
        orientation="h",
        marker_color="#8ab4ff",
        text=[f"{v:.1%}" for v in shown["cart_conversion"]],
    )
    fig.add_bar(
        y=shown["segment"],
        x=shown["overall_conversion"],
        name="bought",
        orientation="h",
        marker_color="#1f6feb",
        text=[f"{v:.1%}" for v in shown["overall_conversion"]],
    )
    fig.update_layout(
        title="Share of viewers who added to cart and who bought, per segment",
        barmode="group",
        **(LAYOUT | {"height": max(280, 56 * len(shown) + 120)}),
    )
    fig.update_xaxes(tickformat=".0%")
    return fig
