"""Retention of first-purchase cohorts, for the Conversion page's heatmap.

Reads mart_order_lines only. A cohort is the customers whose first purchase (under the
category/brand/source/device filters) fell in the same week or month; retention in period k is
the share of the cohort that bought in the k-th period after it.
"""

from __future__ import annotations

from typing import Literal

import duckdb
import pandas as pd

from analytics.core import metrics, queries
from analytics.core.filters import Filters

CohortGrain = Literal["week", "month"]
GRAINS = ("week", "month")


def retention(
    con: duckdb.DuckDBPyConnection, filters: Filters, grain: CohortGrain = "week", cohorts: int = 12
) -> pd.DataFrame:
    """Long table ``cohort, cohort_users, periods_since, active_users, retention`` for the ``cohorts``
    cohorts up to the end of the selected dates; activity counted up to that end too."""
    if grain not in GRAINS:
        raise ValueError(f"unknown cohort grain '{grain}'; valid grains: {', '.join(GRAINS)}")
    if not 1 <= cohorts <= 60:
        raise ValueError(f"cohorts must be between 1 and 60 (got {cohorts})")
    params = filters.params() | {"grain": grain, "cohorts": cohorts}
    params.pop("start")  # cohorts are counted back from the end of the selected dates
    df = queries.frame(con, "cohort_retention", params)
    df["retention"] = metrics.ratio(df["active_users"], df["cohort_users"])
    return df


def heatmap(long: pd.DataFrame) -> pd.DataFrame:
    """The retention table pivoted: one row per cohort (index), one column per period since."""
    if long.empty:
        return pd.DataFrame()
    return long.pivot(index="cohort", columns="periods_since", values="retention").sort_index()
