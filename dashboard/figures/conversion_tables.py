"""The tables the Overview and Conversion pages show and export, with readable column names.

Pure reshaping (no streamlit): each function returns a ``Table``, the frame plus how its
columns are formatted (``percent`` or ``localized`` numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.conversion import funnels
from analytics.conversion.funnels import FunnelOptions


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)


def steps_table(steps: pd.DataFrame, options: FunnelOptions) -> Table:
    """analytics.conversion.funnels.funnel's steps: users and sessions at each step, conversion and loss."""
    names = {
        "label": "step",
        "users": "users",
        "users_step_conversion": "users converted from previous step",
        "users_drop_off": "users lost",
        "sessions": "sessions",
        "sessions_step_conversion": "sessions converted",
        "products": "session-product pairs",
        "purchases": "purchases",
    }
    keep = list(names)
    if options.across_sessions:
        keep = [c for c in keep if c not in ("sessions", "sessions_step_conversion", "products", "purchases")]
    elif not options.count_repeat_purchases:
        keep.remove("purchases")
    # float columns: a missing value shows as an empty cell, not "None"
    frame = steps[keep].astype({c: float for c in keep if c not in ("label", "users")}).rename(columns=names)
    return Table(frame, {"users converted from previous step": "percent", "sessions converted": "percent"})


def breakdown_table(groups: pd.DataFrame, breakdown: tuple[str, ...]) -> Table:
    """analytics.conversion.funnels.funnel_breakdown's groups: users at each step and the step rates."""
    names = {
        "users_view": "viewed",
        "users_cart": "added to cart",
        "users_purchase": "bought",
        "cart_conversion": "view to cart",
        "purchase_conversion": "to purchase",
        "overall_conversion": "view to purchase",
    }
    frame = groups[[*breakdown, *names]].rename(columns=funnels.BREAKDOWN_LABELS | names)
    return Table(frame, {"view to cart": "percent", "to purchase": "percent", "view to purchase": "percent"})


def tier_table(tiers: pd.DataFrame, currency: str) -> Table:
    """analytics.conversion.rfm.tiers: customers, shares and means per tier."""
    names = {
        "tier": "tier",
        "customers": "customers",
        "share_customers": "share of customers",
        "recency_days": "days since last order",
        "count_orders": "orders",
        "revenue": f"revenue ({currency})",
        "share_revenue": "share of revenue",
        "clv": f"12-month CLV ({currency})",
        "churn_risk": "churn risk",
    }
    frame = tiers[list(names)].round({"recency_days": 1, "count_orders": 1, "revenue": 0, "clv": 0})
    frame = frame.rename(columns=names)
    formats = {
        "share of customers": "percent",
        "share of revenue": "percent",
        "churn risk": "percent",
        f"revenue ({currency})": "localized",
        f"12-month CLV ({currency})": "localized",
    }
    return Table(frame, formats)


def cohort_table(retention: pd.DataFrame, grain: str) -> Table:
    """analytics.conversion.cohorts.retention in long form."""
    frame = retention.assign(cohort=pd.to_datetime(retention["cohort"]).dt.date).rename(
        columns={
            "cohort_users": "customers",
            "periods_since": f"{grain}s since first purchase",
            "active_users": "bought again",
        }
    )
    return Table(frame, {"retention": "percent"})


def trend_table(traffic: pd.DataFrame, sales: list[pd.DataFrame]) -> Table:
    """Traffic per bucket of both periods, with orders and revenue per currency beside it."""
    frame = traffic[
        [
            "period",
            "bucket_start",
            "visitors",
            "sessions",
            "purchasers",
            "conversion_rate",
            "session_conversion_rate",
            "cart_rate",
        ]
    ]
    money = {}
    if sales:
        wide = pd.concat(sales).pivot(
            index=["period", "bucket_start"], columns="currency", values=["orders", "revenue"]
        )
        wide.columns = [f"{name} ({currency})" for name, currency in wide.columns]
        wide = wide.astype(float)
        frame = frame.merge(wide.reset_index(), on=["period", "bucket_start"], how="left")
        money = {c: "localized" for c in wide.columns}
    frame = frame.assign(bucket_start=pd.to_datetime(frame["bucket_start"]).dt.date).rename(
        columns={
            "bucket_start": "from",
            "conversion_rate": "conversion rate",
            "session_conversion_rate": "session conversion",
            "cart_rate": "cart rate",
        }
    )
    rates = {"conversion rate": "percent", "session conversion": "percent", "cart rate": "percent"}
    return Table(frame, rates | money)
