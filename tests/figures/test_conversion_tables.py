"""The Overview and Conversion display tables, built from small frames: columns people read, formats."""

import pandas as pd

from dashboard.figures import conversion_tables as tables

GROUPS = pd.DataFrame(
    {
        "device": ["mobile", "desktop"],
        "users_view": [300, 120],
        "users_cart": [60, 30],
        "users_purchase": [15, 12],
        "cart_conversion": [0.2, 0.25],
        "purchase_conversion": [0.25, 0.4],
        "overall_conversion": [0.05, 0.1],
    }
)


def test_breakdown_table_names_the_breakdown_and_the_steps():
    table = tables.breakdown_table(GROUPS, ("device",))
    assert list(table.frame.columns) == [
        "Device",
        "viewed",
        "added to cart",
        "bought",
        "view to cart",
        "to purchase",
        "view to purchase",
    ]
    assert table.frame["viewed"].tolist() == [300, 120]
    assert table.formats == {"view to cart": "percent", "to purchase": "percent", "view to purchase": "percent"}


def test_tier_table_rounds_means_and_names_the_currency():
    tiers = pd.DataFrame(
        {
            "tier": ["Champions"],
            "customers": [40],
            "share_customers": [0.2],
            "recency_days": [12.345],
            "count_orders": [4.26],
            "revenue": [1234.56],
            "share_revenue": [0.5],
            "clv": [310.4],
            "churn_risk": [0.1],
        }
    )
    table = tables.tier_table(tiers, "EUR")
    row = table.frame.iloc[0]
    assert row["days since last order"] == 12.3 and row["orders"] == 4.3
    assert row["revenue (EUR)"] == 1235 and row["12-month CLV (EUR)"] == 310
    assert table.formats["revenue (EUR)"] == "localized" and table.formats["churn risk"] == "percent"


def test_cohort_table_is_long_form_by_cohort_day():
    retention = pd.DataFrame(
        {
            "cohort": pd.to_datetime(["2026-01-05", "2026-01-05"]),
            "periods_since": [0, 1],
            "cohort_users": [40, 40],
            "active_users": [40, 8],
            "retention": [1.0, 0.2],
        }
    )
    frame = tables.cohort_table(retention, "week").frame
    assert list(frame.columns) == ["cohort", "weeks since first purchase", "customers", "bought again", "retention"]
    assert frame["cohort"].iloc[0].isoformat() == "2026-01-05"


def test_trend_table_puts_orders_and_revenue_per_currency_beside_traffic():
    traffic = pd.DataFrame(
        {
            "period": ["current", "previous"],
            "bucket_start": pd.to_datetime(["2026-03-08", "2026-03-01"]),
            "visitors": [100, 90],
            "sessions": [150, 130],
            "purchasers": [5, 4],
            "conversion_rate": [0.05, 0.044],
            "session_conversion_rate": [0.04, 0.03],
            "cart_rate": [0.2, 0.18],
        }
    )
    eur = pd.DataFrame(
        {
            "period": ["current"],
            "bucket_start": pd.to_datetime(["2026-03-08"]),
            "currency": ["EUR"],
            "orders": [6],
            "revenue": [420.0],
        }
    )
    table = tables.trend_table(traffic, [eur])
    frame = table.frame.set_index("period")
    assert frame.loc["current", "revenue (EUR)"] == 420.0 and frame.loc["current", "orders (EUR)"] == 6
    assert pd.isna(frame.loc["previous", "revenue (EUR)"])
    assert table.formats["revenue (EUR)"] == "localized" and table.formats["conversion rate"] == "percent"
