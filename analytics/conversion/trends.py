"""Period-over-period KPIs and trends, with a test of whether a change exceeds normal variation.

Every function reads the marts only (interactive speed) and returns plain DataFrames; rates are
derived by analytics.core.metrics. The previous period is the same number of days just before the
selected one (``Filters.previous_period``).

The test: a change is *significant* when a two-sided test at the 5% level rejects "no change":
a two-proportion z-test for rates (users in both periods are treated as independent samples,
an approximation), Welch's t-test on the daily values of the two periods for counts, revenue
and AOV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from analytics.core import metrics, queries
from analytics.core.filters import Filters

Grain = Literal["day", "week"]
BUCKET_DAYS = {"day": 1, "week": 7}
ALPHA = 0.05
TRAFFIC_METRICS = (
    "visitors",
    "sessions",
    "conversion_rate",
    "session_conversion_rate",
    "cart_rate",
    "cart_to_purchase_rate",
)
SALES_METRICS = ("orders", "revenue", "aov")


def period_params(filters: Filters) -> dict[str, Any]:
    """Bound parameters of the period queries: the filters plus ``$prev_start``."""
    return filters.params() | {"prev_start": filters.previous_period().params()["start"]}


def _session_period_params(filters: Filters) -> dict[str, Any]:
    return filters.session_params() | {"prev_start": filters.previous_period().params()["start"]}


def traffic_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per period (``current``, ``previous``): visitors, sessions, purchasers, purchasing,
    carting and carting-purchasing sessions, and the traffic rates of analytics.core.metrics."""
    df = _traffic(con, ("traffic_totals", "traffic_totals_day_counts"), filters)
    return metrics.derive(_both_periods(df, ["period"]))


def sales_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (period, currency): orders, revenue, purchasers, repeat purchasers, AOV and
    repeat-purchase rate. ``currency`` None is all currencies together (revenue and AOV empty)."""
    df = queries.frame(con, "sales_totals", period_params(filters))
    return metrics.derive(df)


def traffic_trend(con: duckdb.DuckDBPyConnection, filters: Filters, grain: Grain = "day") -> pd.DataFrame:
    """One row per (period, bucket): ``bucket_start`` and the traffic counts and rates of that bucket."""
    df = _traffic(con, ("traffic_trend", "traffic_trend_day_counts"), filters, {"bucket_days": _bucket_days(grain)})
    return metrics.derive(_complete(df, filters, grain))


def sales_trend(con: duckdb.DuckDBPyConnection, filters: Filters, grain: Grain = "day") -> pd.DataFrame:
    """One row per (period, bucket, currency): orders, revenue, purchasers and AOV."""
    params = period_params(filters) | {"bucket_days": _bucket_days(grain)}
    return metrics.derive(_complete(queries.frame(con, "sales_trend", params), filters, grain, "currency"))


def _traffic(
    con: duckdb.DuckDBPyConnection, names: tuple[str, str], filters: Filters, extra: dict[str, Any] | None = None
) -> pd.DataFrame:
    """A traffic query (``names``: its session-mart and roll-up files) from the daily roll-up where
    the filters allow, else from the session marts; the answers are the same
    (tests/unit/conversion/test_day_counts.py compares the two)."""
    from_sessions, from_day_counts = names
    grain = filters.day_counts_grain()
    if grain is None:
        return queries.frame(con, from_sessions, period_params(filters) | (extra or {}))
    params = _session_period_params(filters) | (extra or {}) | {"day_counts_grain": grain}
    return queries.frame(con, from_day_counts, params)


@dataclass(frozen=True)
class Change:
    """A metric in the current and previous period, the relative change and the test's verdict."""

    metric: str
    current: float
    previous: float
    currency: str | None = None
    p_value: float | None = None

    @property
    def relative(self) -> float:
        return (self.current - self.previous) / self.previous if self.previous else float("nan")

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


def traffic_changes(totals: pd.DataFrame, daily: pd.DataFrame) -> list[Change]:
    """Changes of the traffic metrics: ``totals`` from traffic_totals, ``daily`` from traffic_trend(day)."""
    now, before = _row(totals, "current"), _row(totals, "previous")
    changes = []
    for name in TRAFFIC_METRICS:
        metric = metrics.METRICS[name]
        if metric.kind == "rate":
            p = two_proportion_p(
                now[metric.numerator], now[metric.denominator], before[metric.numerator], before[metric.denominator]
            )
        else:
            p = welch_p(_daily(daily, "current", name), _daily(daily, "previous", name))
        changes.append(Change(name, float(now[name]), float(before[name]), None, p))
    return changes


def sales_changes(totals: pd.DataFrame, daily: pd.DataFrame) -> list[Change]:
    """Changes of orders, revenue and AOV per currency, and of the repeat-purchase rate overall."""
    changes = []
    for currency in sorted(c for c in totals["currency"].dropna().unique()):
        now = _row(totals, "current", currency)
        before = _row(totals, "previous", currency)
        for name in SALES_METRICS:
            p = welch_p(_daily(daily, "current", name, currency), _daily(daily, "previous", name, currency))
            changes.append(Change(name, float(now[name]), float(before[name]), currency, p))
    now, before = _row(totals, "current", None), _row(totals, "previous", None)
    p = two_proportion_p(now["repeat_purchasers"], now["purchasers"], before["repeat_purchasers"], before["purchasers"])
    changes.append(
        Change(
            "repeat_purchase_rate", float(now["repeat_purchase_rate"]), float(before["repeat_purchase_rate"]), None, p
        )
    )
    return changes


def two_proportion_p(x1: float, n1: float, x2: float, n2: float) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test; None when a sample is empty."""
    if not n1 or not n2 or any(math.isnan(float(v)) for v in (x1, n1, x2, n2)):
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (x1 / n1 - x2 / n2) / se
    return float(2 * stats.norm.sf(abs(z)))


def welch_p(current: np.ndarray, previous: np.ndarray) -> float | None:
    """Two-sided p-value of Welch's t-test on daily values; None with fewer than 2 days on a side."""
    a, b = current[~np.isnan(current)], previous[~np.isnan(previous)]
    if len(a) < 2 or len(b) < 2 or (np.var(a) == 0 and np.var(b) == 0):
        return None
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _daily(daily: pd.DataFrame, period: str, column: str, currency: str | None = None) -> np.ndarray:
    rows = daily.loc[daily["period"] == period]
    if currency is not None:
        rows = rows.loc[rows["currency"] == currency]
    return rows[column].to_numpy(dtype=float) if column in rows.columns else np.array([])


def _row(df: pd.DataFrame, period: str, currency: str | None = "__any__") -> pd.Series:
    rows = df.loc[df["period"] == period]
    if currency is None:
        rows = rows.loc[rows["currency"].isna()]
    elif currency != "__any__":
        rows = rows.loc[rows["currency"] == currency]
    if rows.empty:
        return pd.Series(0.0, index=df.columns).astype(object).fillna(0.0)
    return rows.iloc[0]


def _both_periods(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # A period without any activity has no row; give it zeros so the deltas can be computed.
    periods = pd.DataFrame({"period": ["current", "previous"]})
    out = periods.merge(df, on=keys, how="left")
    counts = [c for c in out.columns if c not in keys]
    out[counts] = out[counts].fillna(0)
    return out


def _complete(df: pd.DataFrame, filters: Filters, grain: str, key: str | None = None) -> pd.DataFrame:
    """Every bucket of both periods (and every currency seen), with zeros where nothing happened."""
    step = _bucket_days(grain)
    buckets = range(math.ceil(filters.days / step))
    starts = {"current": filters.start, "previous": filters.previous_period().start}
    grid = pd.DataFrame([(period, b) for period in starts for b in buckets], columns=["period", "bucket"])
    if key is not None:
        values = pd.DataFrame({key: sorted(df[key].dropna().unique())})
        grid = grid.merge(values, how="cross")
    keys = ["period", "bucket"] + ([key] if key else [])
    out = grid.merge(df.drop(columns=["bucket_start"], errors="ignore"), on=keys, how="left")
    counts = [c for c in out.columns if c not in keys]
    out[counts] = out[counts].fillna(0)
    out["bucket_start"] = [
        pd.Timestamp(starts[p]) + pd.Timedelta(days=b * step) for p, b in zip(out["period"], out["bucket"], strict=True)
    ]
    return out[["period", "bucket", "bucket_start", *keys[2:], *counts]]


def _bucket_days(grain: str) -> int:
    if grain not in BUCKET_DAYS:
        raise ValueError(f"unknown trend grain '{grain}'; valid grains: {', '.join(BUCKET_DAYS)}")
    return BUCKET_DAYS[grain]
