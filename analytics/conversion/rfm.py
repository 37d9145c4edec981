"""RFM scores, named tiers and customer value per tier.

Reads mart_order_lines (orders) and mart_customer_value (CLV, churn risk) only. Scores are
quintiles among the currency's customers: 1 + floor(5 x percent rank), so ties share a score and
5 is best (most recent, most orders, most revenue). Tiers follow the common R x F map.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.core import queries
from analytics.core.filters import Filters

# (tier, recency scores, frequency scores): every (R, F) pair falls in exactly one tier.
TIERS: tuple[tuple[str, frozenset[int], frozenset[int]], ...] = (
    ("Champions", frozenset({5}), frozenset({4, 5})),
    ("Loyal", frozenset({3, 4}), frozenset({4, 5})),
    ("Potential loyalists", frozenset({4, 5}), frozenset({2, 3})),
    ("New customers", frozenset({5}), frozenset({1})),
    ("Promising", frozenset({4}), frozenset({1})),
    ("Need attention", frozenset({3}), frozenset({3})),
    ("About to sleep", frozenset({3}), frozenset({1, 2})),
    ("Can't lose them", frozenset({1, 2}), frozenset({5})),
    ("At risk", frozenset({1, 2}), frozenset({3, 4})),
    ("Hibernating", frozenset({1, 2}), frozenset({1, 2})),
)
TIER_ORDER = tuple(name for name, _, _ in TIERS)


def _tier_table() -> np.ndarray:
    # The same map as a lookup table, [recency, frequency] (row and column 0 unused): one array
    # lookup per customer instead of a Python loop over the tiers.
    table = np.full((6, 6), "", dtype=object)
    for name, recency, frequency in TIERS:
        for r in recency:
            table[r, sorted(frequency)] = name
    return table


_TIER_TABLE = _tier_table()


def tier(r_score: int, f_score: int) -> str:
    """The named tier of a recency and frequency score (1-5 each)."""
    return str(tiers_of(np.array([r_score]), np.array([f_score]))[0])


def tiers_of(r_scores, f_scores) -> np.ndarray:
    """The named tier of each (recency, frequency) score pair (1-5 each), as an object array."""
    r, f = np.asarray(r_scores, dtype=np.int64), np.asarray(f_scores, dtype=np.int64)
    bad = (r < 1) | (r > 5) | (f < 1) | (f > 5)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        raise ValueError(f"scores must be 1-5, got R={r[at]} F={f[at]}")
    return _TIER_TABLE[r, f]


def currencies(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Currencies with customer orders, the one with most customers first."""
    return queries.frame(con, "rfm_currencies")["currency"].tolist()


def scores(con: duckdb.DuckDBPyConnection, filters: Filters, currency: str) -> pd.DataFrame:
    """One row per customer with orders in ``currency`` before the end of the selected dates:
    ``user_id, recency_days, count_orders, revenue, r_score, f_score, m_score, tier, clv, churn_risk``."""
    params = filters.params() | {"currency": currency}
    params.pop("start")  # RFM looks at all history up to the end of the selected dates
    df = queries.frame(con, "rfm_scores", params)
    df["tier"] = tiers_of(df["r_score"], df["f_score"])
    return df


def tiers(per_customer: pd.DataFrame) -> pd.DataFrame:
    """One row per tier present, in TIER_ORDER: ``tier, customers, share_customers, recency_days,
    count_orders, revenue, share_revenue, clv, churn_risk`` (means per customer)."""
    if per_customer.empty:
        return pd.DataFrame(
            columns=[
                "tier",
                "customers",
                "share_customers",
                "recency_days",
                "count_orders",
                "revenue",
                "share_revenue",
                "clv",
                "churn_risk",
            ]
        )
    grouped = per_customer.groupby("tier").agg(
        customers=("user_id", "size"),
        recency_days=("recency_days", "mean"),
        count_orders=("count_orders", "mean"),
        revenue=("revenue", "mean"),
        total_revenue=("revenue", "sum"),
        clv=("clv", "mean"),
        churn_risk=("churn_risk", "mean"),
    )
    grouped = grouped.reindex([t for t in TIER_ORDER if t in grouped.index])
    grouped["share_customers"] = grouped["customers"] / grouped["customers"].sum()
    total = grouped["total_revenue"].sum()
    grouped["share_revenue"] = grouped["total_revenue"] / total if total else np.nan
    columns = [
        "customers",
        "share_customers",
        "recency_days",
        "count_orders",
        "revenue",
        "share_revenue",
        "clv",
        "churn_risk",
    ]
    return grouped[columns].rename_axis("tier").reset_index()


def clv_models(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The CLV model of each currency: status, parameters and the check on the shop's own holdout."""
    return queries.frame(con, "clv_models")
