"""The Campaigns view's figure and tables, built from a small results object: what each shows."""

import pytest

from dashboard.figures import campaigns as charts


def _lift(estimate, low, high, *, cuped=True):
    lift = {"metric": "conversion", "estimate": estimate, "low": low, "high": high, "level": 0.95}
    lift |= {"adjustment": "cuped" if cuped else "none", "method": "wald on CUPED-adjusted outcomes" if cuped else "n"}
    lift["unadjusted"] = {"estimate": estimate + 0.01, "low": low - 0.02, "high": high + 0.03, "method": "newcombe"}
    return lift


def _result():
    withheld = {"metric": "conversion", "estimate": None, "low": None, "high": None, "withheld": True}
    return {
        "lift": _lift(0.10, 0.04, 0.16),
        "variants": [
            {"variant": "A", "lift": _lift(0.12, 0.05, 0.19, cuped=False)},
            {"variant": "B", "lift": withheld},
        ],
        "arms": [
            {
                "arm": "A",
                "users": 120,
                "conversions": 30,
                "rate": 0.25,
                "revenue_per_user": {"USD": 12.5},
                "orders": 33,
                "sent": 120,
                "unsubscribed": 1,
            },
            {"arm": "B", "hidden": True, "users": None},
            {
                "arm": "holdout",
                "users": 40,
                "conversions": 6,
                "rate": 0.15,
                "revenue_per_user": {"USD": 8.0},
                "orders": 6,
                "sent": 0,
                "unsubscribed": 0,
            },
        ],  # fmt: skip
        "revenue_per_user": [{"currency": "USD", **_lift(4.5, -1.0, 10.0)}],
    }


def test_lift_intervals_draw_each_comparison_with_its_interval_in_points():
    fig = charts.lift_intervals(_result())
    headline, unadjusted = fig.data
    assert list(headline.customdata) == ["All variants", "Variant A"]  # B is withheld: no row at all
    assert list(headline.y) == [0, 1] and list(fig.layout.yaxis.ticktext) == ["All variants", "Variant A"]
    assert list(headline.x) == pytest.approx([10.0, 12.0])
    assert list(headline.error_x.arrayminus) == pytest.approx([6.0, 7.0])
    assert list(headline.error_x.array) == pytest.approx([6.0, 7.0])
    assert headline.name == "CUPED-adjusted where the pre-period varies"
    # The unadjusted interval is drawn beside the CUPED one only where CUPED was used.
    assert unadjusted.name == "Unadjusted (Newcombe)" and list(unadjusted.customdata) == ["All variants"]
    assert list(unadjusted.y) == [charts.UNADJUSTED_OFFSET]  # just below its row's headline
    assert list(unadjusted.x) == pytest.approx([11.0]) and list(unadjusted.error_x.arrayminus) == pytest.approx([9.0])
    (zero,) = fig.layout.shapes
    assert zero.x0 == zero.x1 == 0
    assert "95% intervals" in fig.layout.title.text


def test_lift_intervals_without_cuped_have_one_trace_named_for_its_method():
    result = _result() | {"lift": _lift(0.10, 0.04, 0.16, cuped=False), "variants": []}
    (only,) = charts.lift_intervals(result).data
    assert only.name == "Unadjusted (Newcombe)" and list(only.customdata) == ["All variants"]


def test_arms_table_shows_a_hidden_arm_by_name_only():
    table = charts.arms_table(_result())
    assert table["Arm"].tolist() == ["A", "B", "holdout"]
    assert table.loc[0, "Users"] == 120 and table.loc[0, "Revenue per user (USD)"] == 12.5
    hidden = table.loc[1].drop("Arm")
    assert hidden.isna().all()


def test_lift_table_lists_conversion_in_points_and_revenue_per_currency():
    table = charts.lift_table(_result())
    assert table["Comparison"].tolist() == ["All variants - holdout", "Variant A - holdout", "All variants - holdout"]
    assert table["Metric"].tolist() == ["Conversion (points)", "Conversion (points)", "Revenue per user (USD)"]
    assert table[["Estimate", "Low", "High"]].to_numpy().ravel().tolist() == pytest.approx(
        [10.0, 4.0, 16.0, 12.0, 5.0, 19.0, 4.5, -1.0, 10.0]
    )
    assert table["Adjustment"].tolist() == ["CUPED", "none", "CUPED"]
