"""The Overview and Conversion figures, built from small frames: what each one shows."""

import numpy as np
import pandas as pd
import pytest

from dashboard.figures import conversion as charts

STEPS = pd.DataFrame(
    {
        "label": ["Viewed", "Added to cart", "Purchased"],
        "users": [200, 50, 10],
        "sessions": [300, 60, 12],
    }
)


def test_trend_draws_the_previous_period_on_the_selected_days():
    df = pd.DataFrame(
        {
            "period": ["current", "current", "previous", "previous"],
            "bucket": [1, 0, 0, 1],  # unsorted: the figure orders by bucket
            "bucket_start": pd.to_datetime(["2026-03-09", "2026-03-08", "2026-03-06", "2026-03-07"]),
            "conversion_rate": [0.04, 0.02, 0.01, 0.03],
        }
    )
    fig = charts.trend(df, "conversion_rate", "Conversion rate by day", percent=True)
    previous, current = fig.data
    assert (previous.name, current.name) == ("previous period", "selected period")
    assert list(current.y) == [0.02, 0.04] and list(previous.y) == [0.01, 0.03]
    assert list(previous.x) == list(current.x) == list(pd.to_datetime(["2026-03-08", "2026-03-09"]))
    assert list(previous.customdata) == list(pd.to_datetime(["2026-03-06", "2026-03-07"]))  # its own days on hover
    assert fig.layout.yaxis.tickformat == ".1%"
    assert fig.layout.title.text.startswith("Conversion rate by day")


def test_trend_leaves_a_gap_where_the_previous_period_has_no_bucket():
    df = pd.DataFrame(
        {
            "period": ["current", "current", "previous"],
            "bucket": [0, 1, 0],
            "bucket_start": pd.to_datetime(["2026-03-08", "2026-03-09", "2026-03-07"]),
            "revenue": [100.0, 120.0, 90.0],
        }
    )
    previous, current = charts.trend(df, "revenue", "Revenue (EUR) by day", unit="EUR").data
    assert list(current.y) == [100.0, 120.0]
    assert previous.y[0] == 90.0 and np.isnan(previous.y[1])


@pytest.mark.parametrize(
    ("count_by", "first_text"), [("users", "200  (100.0% of viewers)"), ("sessions", "300  (100.0% of viewers)")]
)
def test_funnel_counts_by_what_was_chosen(count_by, first_text):
    fig = charts.funnel(STEPS, count_by)
    (funnel,) = fig.data
    assert list(funnel.y) == ["Viewed", "Added to cart", "Purchased"]
    assert list(funnel.x) == STEPS[count_by].tolist()
    assert funnel.text[0] == first_text
    assert fig.layout.title.text == f"Funnel by {count_by}"


def test_funnel_share_of_viewers_on_each_step():
    (funnel,) = charts.funnel(STEPS, "users").data
    assert list(funnel.text) == ["200  (100.0% of viewers)", "50  (25.0% of viewers)", "10  (5.0% of viewers)"]


def test_group_bars_put_the_first_row_on_top_with_value_labels():
    groups = pd.DataFrame({"group": ["mobile", "desktop", "tablet"], "overall_conversion": [0.05, 0.031, 0.012]})
    fig = charts.group_bars(groups, "group", "overall_conversion", "Viewers who bought")
    (bars,) = fig.data
    assert bars.orientation == "h"
    assert list(bars.y) == ["tablet", "desktop", "mobile"]  # plotly draws the last bar at the top
    assert list(bars.x) == [0.012, 0.031, 0.05]
    assert list(bars.text) == ["1.2%", "3.1%", "5.0%"]
    assert fig.layout.xaxis.tickformat == ".0%"


def test_group_bars_of_counts_show_whole_numbers():
    tiers = pd.DataFrame({"tier": ["Champions", "At risk"], "customers": [1200.0, 340.0]})
    fig = charts.group_bars(tiers, "tier", "customers", "Customers by tier (EUR)", percent=False)
    assert list(fig.data[0].text) == ["340", "1,200"]
    assert fig.layout.xaxis.tickformat == ","


def test_retention_heatmap_rows_are_cohorts_and_colours_skip_period_zero():
    pivot = pd.DataFrame(
        [[1.0, 0.20, 0.10], [1.0, 0.30, np.nan]],
        index=pd.to_datetime(["2026-01-05", "2026-01-12"]),
        columns=[0, 1, 2],
    )
    fig = charts.retention_heatmap(pivot, "week")
    (heat,) = fig.data
    assert list(heat.y) == ["2026-01-05", "2026-01-12"]
    assert list(heat.x) == ["0", "1", "2"]
    assert heat.text[0] == ["100%", "20%", "10%"] and heat.text[1][2] == ""
    assert heat.zmax == pytest.approx(0.30)  # the largest retention after period 0
    assert fig.layout.xaxis.title.text == "weeks since first purchase"


def test_monthly_cohorts_are_labelled_by_month():
    pivot = pd.DataFrame([[1.0, 0.01]], index=pd.to_datetime(["2026-02-01"]), columns=[0, 1])
    heat = charts.retention_heatmap(pivot, "month").data[0]
    assert list(heat.y) == ["2026-02"]
    assert heat.zmax == pytest.approx(0.05)  # never below 5%, so a tiny retention is not all dark
