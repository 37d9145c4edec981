"""Figures and tables of the Campaigns view (pure: plotly and pandas in, no streamlit).

They read the result object of analytics.campaigns.results (after ``results.shown``): an arm
below the minimum group size carries ``hidden`` and a withheld lift has no estimate, so neither
can reach a chart or a table from here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.segments import LAYOUT

HEADLINE_COLOUR = "#1f77b4"
UNADJUSTED_COLOUR = "#9aa4b2"
UNADJUSTED_OFFSET = 0.25  # the unadjusted interval sits just below its row's headline
ALL_VARIANTS = "All variants"


def lift_rows(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(label, conversion lift)`` for the pooled treatment and each variant against the holdout,
    leaving out lifts withheld or not estimable (an arm too small)."""
    rows = [(ALL_VARIANTS, result["lift"])] + [(f"Variant {v['variant']}", v["lift"]) for v in result["variants"]]
    return [(label, lift) for label, lift in rows if lift.get("estimate") is not None]


def lift_intervals(result: dict[str, Any]) -> go.Figure:
    """Conversion lift against the holdout in percentage points with its 95% interval, one row per
    comparison (first at the top): the headline estimate (CUPED-adjusted where it was used) and,
    in grey just below it, the unadjusted Newcombe interval. A dotted line marks no effect."""
    rows = lift_rows(result)
    labels = [label for label, _ in rows]
    fig = go.Figure()
    fig.add_trace(_interval_trace(_headline_name(rows), rows, labels, 0.0, HEADLINE_COLOUR))
    unadjusted = [(label, lift["unadjusted"]) for label, lift in rows if lift.get("adjustment") == "cuped"]
    if unadjusted:
        grey = _interval_trace("Unadjusted (Newcombe)", unadjusted, labels, UNADJUSTED_OFFSET, UNADJUSTED_COLOUR)
        fig.add_trace(grey)
    fig.add_vline(x=0, line_dash="dot", line_color="#555")
    fig.update_layout(
        title="Conversion lift vs the holdout (percentage points, 95% intervals)",
        xaxis_title="Treatment minus holdout, percentage points",
        yaxis={
            "tickvals": list(range(len(labels))),
            "ticktext": labels,
            "autorange": "reversed",
            "range": [len(labels) - 0.5, -0.5],
        },
        **(LAYOUT | {"height": 140 + 70 * max(1, len(rows)), "legend": {"orientation": "h", "y": -0.3, "x": 0}}),
    )
    return fig


def _headline_name(rows: list[tuple[str, dict[str, Any]]]) -> str:
    adjusted = {lift.get("adjustment") == "cuped" for _, lift in rows}
    if adjusted == {True}:
        return "CUPED-adjusted"
    return "Unadjusted (Newcombe)" if adjusted == {False} else "CUPED-adjusted where the pre-period varies"


def _interval_trace(
    name: str, rows: list[tuple[str, dict[str, Any]]], labels: list[str], offset: float, colour: str
) -> go.Scatter:
    """One marker and interval per row, at the row's position (its index in ``labels``) plus ``offset``."""
    points = [100 * lift["estimate"] for _, lift in rows]
    return go.Scatter(
        name=name,
        x=points,
        y=[labels.index(label) + offset for label, _ in rows],
        customdata=[label for label, _ in rows],
        mode="markers",
        marker={"size": 11, "color": colour},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [100 * lift["high"] - p for (_, lift), p in zip(rows, points, strict=True)],
            "arrayminus": [p - 100 * lift["low"] for (_, lift), p in zip(rows, points, strict=True)],
            "color": colour,
            "thickness": 2,
            "width": 6,
        },
        hovertemplate="%{customdata}: %{x:+.2f} points<extra>" + name + "</extra>",
    )


def arms_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per arm (variants, then the holdout): users, conversions, conversion rate, revenue
    per user in each currency, orders, sends and unsubscribes; a hidden arm shows only its name."""
    currencies = [r["currency"] for r in result["revenue_per_user"]]
    rows = []
    for arm in result["arms"]:
        row = {"Arm": arm["arm"]}
        if not arm.get("hidden"):
            row |= {
                "Users": arm["users"],
                "Conversions": arm["conversions"],
                "Conversion rate": arm["rate"],
                **{f"Revenue per user ({c})": arm["revenue_per_user"].get(c) for c in currencies},
                "Orders": arm["orders"],
                "Sent": arm["sent"],
                "Unsubscribed": arm["unsubscribed"],
            }
        rows.append(row)
    return pd.DataFrame(rows)


def lift_table(result: dict[str, Any]) -> pd.DataFrame:
    """Every lift against the holdout with its 95% interval: conversion (percentage points) for
    all variants and each one, and revenue per user per currency, with the method of each."""
    rows = [_lift_row(label, "Conversion (points)", lift, 100) for label, lift in lift_rows(result)]
    for revenue in result["revenue_per_user"]:
        if revenue.get("estimate") is not None:
            rows.append(_lift_row(ALL_VARIANTS, f"Revenue per user ({revenue['currency']})", revenue, 1))
    return pd.DataFrame(rows, columns=["Comparison", "Metric", "Estimate", "Low", "High", "Adjustment", "Method"])


def _lift_row(label: str, metric: str, lift: dict[str, Any], scale: float) -> dict[str, Any]:
    return {
        "Comparison": f"{label} - holdout",
        "Metric": metric,
        "Estimate": scale * lift["estimate"],
        "Low": scale * lift["low"],
        "High": scale * lift["high"],
        "Adjustment": "CUPED" if lift.get("adjustment") == "cuped" else "none",
        "Method": lift.get("method"),
    }


def balance_table(balance: pd.DataFrame) -> pd.DataFrame:
    """The balance of a plan (analytics.campaigns.plans.balance) with readable column names."""
    return balance.rename(columns={"stratum": "RFM tier", "users": "Users", "holdout_share": "Held out"})
