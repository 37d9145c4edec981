"""Plotly figures for the Reviews page: pure functions from analytics.reviews.views tables to figures.

Sentiment runs from -1 (very negative) to +1 (very positive) and every axis keeps that range, so
two charts are read on the same scale.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.reviews.views import DIMENSIONS, LABEL_COLOURS, aspect_label, aspect_mentions

SENTIMENT_RANGE = [-1, 1]


def sentiment_trend(weeks: pd.DataFrame) -> go.Figure:
    """Average sentiment per week (``week_start, avg_score``) as a line with markers."""
    return px.line(
        weeks,
        x="week_start",
        y="avg_score",
        markers=True,
        labels={"week_start": "Week", "avg_score": "Average sentiment"},
        range_y=SENTIMENT_RANGE,
    )


def sentiment_by_group(groups: pd.DataFrame, dimension: str) -> go.Figure:
    """One horizontal bar per group (``group_name, avg_score, share_negative``), most negative at
    the bottom, coloured by the share of reviews read as negative."""
    return px.bar(
        groups.sort_values("avg_score"),
        x="avg_score",
        y="group_name",
        orientation="h",
        color="share_negative",
        color_continuous_scale="RdYlGn_r",
        range_x=SENTIMENT_RANGE,
        labels={
            "avg_score": "Average sentiment",
            "group_name": DIMENSIONS[dimension],
            "share_negative": "Negative share",
        },
    )


def aspect_bars(aspects: pd.DataFrame) -> go.Figure:
    """Reviews mentioning each aspect (``aspect, count_negative, count_neutral, count_positive``),
    stacked by what they say about it, in the rows' order (most complaints first)."""
    return px.bar(
        aspect_mentions(aspects),
        x="mentions",
        y="aspect",
        color="label",
        orientation="h",
        color_discrete_map=LABEL_COLOURS,
        category_orders={"aspect": aspects["aspect"].map(aspect_label).tolist()},
        labels={"mentions": "Reviews mentioning it", "aspect": "Aspect", "label": "Said about it"},
    )
