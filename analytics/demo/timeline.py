"""When users visit: hourly intensity profiles with weekly seasonality and the sale spike.

Time inside the generator is hours since the window start (float). A profile is the visit
intensity of one (customer type, UTC offset) pair for every hour of the window, normalised
to a mean of 1 on ordinary hours, so that ``sessions_per_week * integral / 168`` is the
expected number of sessions over any stretch of time. Session start times are drawn by
inverting the profile's cumulative intensity (``np.interp``), all sessions of a profile at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from analytics.demo.customer_types import CustomerType
from analytics.demo.params import DemoParams

# Local hour-of-day shape of online shopping: quiet nights, a lunch bump, an evening peak.
HOUR_OF_DAY = np.array(
    [0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.00, 1.05,
     1.15, 1.10, 1.00, 1.00, 1.05, 1.15, 1.30, 1.45, 1.50, 1.35, 1.00, 0.55]
)  # fmt: skip
EVENING = slice(18, 23)
US_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class Timeline:
    """Cumulative intensity per profile (rows) at every hour boundary (columns 0..hours)."""

    hours: int
    offsets: tuple[int, ...]  # distinct UTC offsets; profile = type * len(offsets) + offset index
    cumulative: np.ndarray
    promo_hours: tuple[float, float]  # [start, end) in hours since the window start
    start_us: int  # the window start as microseconds since the epoch

    def profile_of(self, type_index: np.ndarray, utc_offset: np.ndarray) -> np.ndarray:
        """The profile row of each (type, UTC offset) pair."""
        offset_index = np.searchsorted(np.array(self.offsets), utc_offset)
        return type_index * len(self.offsets) + offset_index

    def weeks_between(self, profile: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Expected-visit weight of [a, b): ordinary weeks, sale days counting extra."""
        grid = np.arange(self.hours + 1)
        out = np.empty(len(profile))
        for p in np.unique(profile):
            rows = profile == p
            cum = self.cumulative[p]
            out[rows] = np.interp(b[rows], grid, cum) - np.interp(a[rows], grid, cum)
        return out / 168.0

    def draw_times(
        self, profile: np.ndarray, a: np.ndarray, b: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """One time in [a, b) per row, following the row's profile."""
        grid = np.arange(self.hours + 1, dtype=float)
        u = rng.random(len(profile))
        out = np.empty(len(profile))
        for p in np.unique(profile):
            rows = profile == p
            cum = self.cumulative[p]
            lo, hi = np.interp(a[rows], grid, cum), np.interp(b[rows], grid, cum)
            out[rows] = np.interp(lo + u[rows] * (hi - lo), cum, grid)
        return out

    def in_promo(self, hours: np.ndarray) -> np.ndarray:
        """True for times (hours since the window start) inside the sale."""
        return (hours >= self.promo_hours[0]) & (hours < self.promo_hours[1])

    def to_us(self, hours: np.ndarray) -> np.ndarray:
        """Hours since the window start as epoch microseconds (int64)."""
        return self.start_us + np.round(hours * US_PER_HOUR).astype(np.int64)


def build_timeline(params: DemoParams) -> Timeline:
    """Profiles for every (type, distinct UTC offset) pair of the parameters."""
    hours = params.window_weeks * 7 * 24
    offsets = tuple(sorted({c.utc_offset_h for c in params.countries}))
    promo = (_hours_since(params.promo_start, params), _hours_since(params.promo_end, params))
    rows = [_profile(t, off, hours, promo, params) for t in params.types for off in offsets]
    cumulative = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(rows, axis=1)], axis=1)
    return Timeline(hours, offsets, cumulative, promo, _epoch_us(params.window_start))


def _profile(
    kind: CustomerType, utc_offset: int, hours: int, promo: tuple[float, float], params: DemoParams
) -> np.ndarray:
    h = np.arange(hours)
    local = h + utc_offset
    hod = HOUR_OF_DAY.copy()
    hod[EVENING] *= kind.evening_boost
    start_weekday = params.window_start.weekday()  # Monday = 0
    weekday = (start_weekday + local // 24) % 7
    intensity = hod[local % 24] * np.where(weekday >= 5, kind.weekend_boost, 1.0)
    intensity *= (1.0 + params.weekly_growth) ** (h / 168.0)  # the shop grows a little every week
    ordinary = (h < promo[0]) | (h >= promo[1])
    intensity /= intensity[ordinary].mean()
    intensity[~ordinary] *= kind.promo_visit_boost
    return intensity


def _hours_since(moment: datetime, params: DemoParams) -> float:
    return (moment - params.window_start).total_seconds() / 3600.0


def _epoch_us(naive_utc: datetime) -> int:
    # Parameters hold naive datetimes meaning UTC (like the warehouse's TIMESTAMP columns).
    return int((naive_utc - datetime(1970, 1, 1)).total_seconds()) * 1_000_000
