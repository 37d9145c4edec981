"""What the Overview and Conversion pages should show, computed with the analytics functions."""

from __future__ import annotations

from datetime import timedelta

from analytics.core import queries
from analytics.core.filters import Filters
from dashboard.components.filters import DEFAULT_DAYS


def default_filters(con, **lists) -> Filters:
    """The sidebar's default: the last DEFAULT_DAYS days of data, plus any lists given."""
    bounds = queries.one(con, "event_date_range")
    last = bounds["last_day"].date() if hasattr(bounds["last_day"], "date") else bounds["last_day"]
    return Filters(last - timedelta(days=DEFAULT_DAYS - 1), last, **lists)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table_with(at, column: str):
    """The first dataframe shown that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)
