"""Conversion page on the small demo shop: funnel options, breakdowns, audience, cohorts, RFM tiers."""

import base64
import json

import numpy as np
import pandas as pd
import pytest

from analytics.conversion import cohorts, funnels, rfm
from analytics.conversion.funnels import FunnelOptions
from tests.app.conversion_support import default_filters, table_with


def _users(con, options: FunnelOptions | None = None, **lists) -> list[int]:
    return funnels.funnel(con, default_filters(con, **lists), options or FunnelOptions())["users"].tolist()


def test_funnel_table_shows_users_per_step(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    assert not at.exception
    assert table_with(at, "users lost")["users"].tolist() == _users(demo_con)


def test_cart_optional_changes_the_purchase_step(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.checkbox(key="conv_cart_optional").check().run()
    shown = table_with(at, "users lost")["users"].tolist()
    assert shown == _users(demo_con, FunnelOptions(cart_optional=True)) != _users(demo_con)


def test_across_sessions_counts_users_only(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.radio(key="conv_scope").set_value("across sessions").run()
    table = table_with(at, "users lost")
    assert "sessions" not in table.columns
    assert table["users"].tolist() == _users(demo_con, FunnelOptions(across_sessions=True))


def test_category_filter_changes_the_funnel(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.multiselect(key="flt_categories").set_value(["electronics"]).run()
    assert table_with(at, "users lost")["users"].tolist() == _users(demo_con, categories=("electronics",))


def test_breakdown_by_category_hides_small_groups(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.multiselect(key="conv_breakdown").set_value(["category"]).run()
    table = table_with(at, "Category")
    expected = funnels.funnel_breakdown(demo_con, default_filters(demo_con), FunnelOptions(), ("category",))
    expected = expected[expected["users_view"] >= 20]
    assert table.set_index("Category")["viewed"].to_dict() == expected.set_index("category")["users_view"].to_dict()


def test_abandoned_carts_audience_size(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    users = funnels.audience(demo_con, default_filters(demo_con), FunnelOptions(), "cart", "purchase")
    assert any(m.value.startswith(f"{len(users):,} users") for m in at.markdown)


def test_rfm_tiers_show_only_tiers_of_twenty_customers(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    currency = rfm.currencies(demo_con)[0]
    tiers = rfm.tiers(rfm.scores(demo_con, default_filters(demo_con), currency))
    shown = table_with(at, "churn risk").set_index("tier")["customers"].to_dict()
    assert shown == tiers[tiers["customers"] >= 20].set_index("tier")["customers"].to_dict()


def _heatmap(at) -> dict:
    """The cohort heatmap's trace as sent to the browser: cohorts on y, periods on x, retention z."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(f["data"][0] for f in figures if f["data"] and f["data"][0]["type"] == "heatmap")


def _values(value) -> np.ndarray:
    """A plotly JSON array: a plain list, or a typed array (dtype, base64 bytes, shape)."""
    if isinstance(value, dict):
        shape = tuple(int(n) for n in str(value["shape"]).split(","))
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).reshape(shape)
    return np.array(value, dtype=float)


def _expected_heatmap(con, grain: str, min_users: int) -> pd.DataFrame:
    long = cohorts.retention(con, default_filters(con), grain)
    return cohorts.heatmap(long[long["cohort_users"] >= min_users].dropna(subset=["retention"]))


@pytest.mark.parametrize("grain", ["week", "month"])
def test_cohort_heatmap_shows_the_retention_of_each_cohort(demo_app, demo_con, grain):
    at = demo_app("conversion", min_group_size=5)
    at.run()
    if grain != "week":
        at.radio(key="conv_cohort_grain").set_value(grain).run()
    assert not at.exception
    assert not any("No first-purchase cohort" in i.value for i in at.info)
    expected = _expected_heatmap(demo_con, grain, min_users=5)
    assert len(expected) >= 2 and expected.notna().sum().sum() > len(expected)  # more than period 0
    drawn = _heatmap(at)
    label = "%Y-%m-%d" if grain == "week" else "%Y-%m"
    assert drawn["y"] == [pd.Timestamp(c).strftime(label) for c in expected.index]
    assert drawn["x"] == [str(c) for c in expected.columns]
    shown = _values(drawn["z"])
    assert np.allclose(shown, expected.to_numpy(dtype=float), equal_nan=True)
    # Period 0 is every cohort's first purchase: 100% on every row, in the cell text too.
    assert (shown[:, 0] == 1.0).all() and all(row[0] == "100%" for row in drawn["text"])


def test_cohorts_under_the_minimum_group_size_are_not_drawn(demo_app, demo_con):
    at = demo_app("conversion", min_group_size=5)
    at.run()
    long = cohorts.retention(demo_con, default_filters(demo_con), "week")
    small = long[long["cohort_users"] < 5]
    assert not small.empty  # the demo shop has small weekly cohorts: the masking is exercised
    drawn = set(_heatmap(at)["y"])
    assert not {pd.Timestamp(c).strftime("%Y-%m-%d") for c in small["cohort"]} & drawn
