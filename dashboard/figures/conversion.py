"""Plotly figures for the Overview and Conversion pages: pure functions from tables to figures.

They do not import streamlit, so the shapes they expect are tested without it. Labels are plain
words (never raw column names); rates are shown in %, money with its currency.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

CURRENT = "#1f6feb"
PREVIOUS = "#9aa4b2"
LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 320,
    "hovermode": "x unified",
    "legend": {"orientation": "h", "y": 1.12, "x": 0},
}


def trend(df: pd.DataFrame, column: str, title: str, *, percent: bool = False, unit: str = "") -> go.Figure:
    """Current period against the previous one, bucket by bucket (x: the current bucket's first day).

    ``df`` has ``period, bucket, bucket_start`` and ``column``; missing values leave gaps.
    """
    current = df[df["period"] == "current"].sort_values("bucket")
    previous = df[df["period"] == "previous"][["bucket", "bucket_start", column]]
    aligned = current[["bucket", "bucket_start", column]].merge(
        previous, on="bucket", how="left", suffixes=("", "_previous")
    )
    fig = go.Figure()
    fig.add_scatter(
        x=aligned["bucket_start"],
        y=aligned[f"{column}_previous"],
        name="previous period",
        line={"color": PREVIOUS, "dash": "dash"},
        customdata=aligned["bucket_start_previous"],
        hovertemplate="%{y}" + (" " + unit if unit else "") + " (from %{customdata|%b %d})",
    )
    fig.add_scatter(
        x=aligned["bucket_start"], y=aligned[column], name="selected period", line={"color": CURRENT, "width": 3}
    )
    fig.update_layout(
        title=f"{title} <span style='font-size:12px;color:#6b7280'>(solid: selected period, "
        "dashed: the one before)</span>",
        **LAYOUT,
    )
    fig.update_yaxes(tickformat=".1%" if percent else ",", rangemode="tozero", title=unit or None)
    return fig


def funnel(steps: pd.DataFrame, count_by: str) -> go.Figure:
    """The funnel of ``steps`` (analytics.conversion.funnels.funnel) counted by ``users`` or ``sessions``."""
    values = steps[count_by].fillna(0)
    start = values.iloc[0] or float("nan")
    text = [f"{v:,.0f}  ({v / start:.1%} of viewers)" if start == start else f"{v:,.0f}" for v in values]
    fig = go.Figure(
        go.Funnel(
            y=steps["label"], x=values, text=text, textinfo="text", marker={"color": [CURRENT, "#4c8ef7", "#8ab4ff"]}
        )
    )
    fig.update_layout(title=f"Funnel by {count_by}", **(LAYOUT | {"hovermode": "closest"}))
    return fig


def group_bars(
    df: pd.DataFrame, label_column: str, value_column: str, title: str, *, percent: bool = True
) -> go.Figure:
    """Horizontal bars, one per group, largest at the top."""
    shown = df.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=shown[value_column],
            y=shown[label_column],
            orientation="h",
            marker_color=CURRENT,
            text=[f"{v:.1%}" if percent else f"{v:,.0f}" for v in shown[value_column]],
            textposition="auto",
        )
    )
    fig.update_layout(title=title, **(LAYOUT | {"hovermode": "closest", "height": max(260, 28 * len(shown) + 80)}))
    fig.update_xaxes(tickformat=".0%" if percent else ",")
    return fig


def retention_heatmap(pivot: pd.DataFrame, grain: str) -> go.Figure:
    """Cohorts (rows, by first-purchase period) x periods since (columns), coloured by retention."""
    labels = [pd.Timestamp(c).strftime("%Y-%m-%d" if grain == "week" else "%Y-%m") for c in pivot.index]
    text = [[f"{v:.0%}" if v == v else "" for v in row] for row in pivot.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=pivot.to_numpy(),
            x=[str(c) for c in pivot.columns],
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=max(0.05, _second_max(pivot)),
            colorbar={"tickformat": ".0%", "title": "retained"},
            hovertemplate=f"cohort %{{y}}, {grain}s since first purchase: %{{x}}<br>retained %{{z:.1%}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Share of each first-purchase cohort buying again, by {grain}",
        **(LAYOUT | {"hovermode": "closest", "height": max(300, 26 * len(pivot) + 120)}),
    )
    fig.update_xaxes(title=f"{grain}s since first purchase", type="category")
    fig.update_yaxes(title="cohort", autorange="reversed", type="category")
    return fig


def _second_max(pivot: pd.DataFrame) -> float:
    # Period 0 is 100% by definition; scale the colours to the later periods so they are readable.
    later = pivot.drop(columns=[0], errors="ignore")
    value = later.max().max() if not later.empty else 1.0
    return float(value) if value == value else 1.0
