"""The shared filters every chart obeys, as plain values, and their SQL parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

# The per-session columns mart_day_counts is rolled up by (analytics/core/sql/mart_day_counts.sql).
DAY_COUNT_GRAINS = ("traffic_source", "device")


@dataclass(frozen=True)
class Filters:
    """Date range (inclusive, UTC days) and optional allow-lists; empty means all."""

    start: date
    end: date
    categories: tuple[str, ...] = ()  # top-level categories
    brands: tuple[str, ...] = ()
    traffic_sources: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"filter end date {self.end} is before start date {self.start}")

    def params(self) -> dict[str, Any]:
        """Bound parameters for SQL files: ``$start``, ``$end`` (exclusive) and lists or NULL."""
        return {
            "start": datetime.combine(self.start, time.min),
            "end": datetime.combine(self.end + timedelta(days=1), time.min),
            "categories": list(self.categories) or None,
            "brands": list(self.brands) or None,
            "traffic_sources": list(self.traffic_sources) or None,
            "devices": list(self.devices) or None,
        }

    def session_params(self) -> dict[str, Any]:
        """``params()`` without the product lists: for the roll-up queries, which only run when
        no product filter is set (``day_counts_grain``)."""
        return {k: v for k, v in self.params().items() if k not in ("categories", "brands")}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous_period(self) -> Filters:
        """The same-length period just before this one (for period-over-period deltas)."""
        span = timedelta(days=self.days)
        return Filters(
            self.start - span, self.end - span, self.categories, self.brands, self.traffic_sources, self.devices
        )

    def day_counts_grain(self, breakdown: tuple[str, ...] = ()) -> str | None:
        """The grain of mart_day_counts that answers a query with these filters (grouped by the
        ``breakdown`` columns) exactly, or None when the query must read the per-session marts.

        Distinct users add up over the roll-up's groups only when each group a query counts is one
        group of the grain: no product filter, and at most one of traffic source and device either
        broken down by or filtered to a single value (two selected devices, not broken down, would
        count a user of both twice).
        """
        if self.categories or self.brands:
            return None
        chosen = {"traffic_source": self.traffic_sources, "device": self.devices}
        columns = set(breakdown) | {column for column, values in chosen.items() if values}
        if not columns:
            return "all"
        if len(columns) > 1 or not columns <= set(DAY_COUNT_GRAINS):
            return None
        (column,) = columns
        return column if column in breakdown or len(chosen[column]) == 1 else None
