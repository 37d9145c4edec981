"""The shared filters every chart obeys, as plain values, and their SQL parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any


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

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous_period(self) -> Filters:
        """The same-length period just before this one (for period-over-period deltas)."""
        span = timedelta(days=self.days)
        return Filters(
            self.start - span, self.end - span, self.categories, self.brands, self.traffic_sources, self.devices
        )
