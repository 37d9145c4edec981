"""Opportunities: where the next campaign would pay most, per segment, with the arithmetic shown.

The baseline of each segment is read from what the other modules already compute, under their
definitions (nothing here measures a segment differently):

- size, conversion rate (share who ordered at least once), average order value, predicted CLV
  and complaints: the segment's profile (analytics.segments.profiles), in the main currency;
- churn risk: mean of 1 - P(alive) (BG/NBD, ``analytics.conversion.rfm.scores``) over the
  segment's customers in that currency;
- the step where it drops: of the funnel per segment over all history
  (``analytics.conversion.funnels``, default options), the step that keeps the smallest share of
  the users who reached the step before, with the shop's share at that step beside it;
- reachable users: members whose marketing consent is not declined
  (``analytics.trust.privacy.consenting``, the rule the user-list export applies).

Expected value of a campaign = reachable users x uplift (percentage points / 100) x value per
conversion. The uplift is the shop's own measured one when the caller passes it
(``MeasuredUplift``, from its past campaigns), else the stated prior PRIOR_UPLIFT_POINTS, unless
set by hand. Figures are exact: the minimum group size is applied where they are shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import duckdb
import pandas as pd

from analytics.conversion import funnels, rfm
from analytics.core import queries
from analytics.core.filters import Filters
from analytics.segments import views as segment_views
from analytics.trust import privacy

# A prior, not a measurement: a campaign moving 2 in 100 reachable users to order is a common
# planning figure for e-mail to an existing audience. It stays the default only until the shop
# has measured uplifts of its own.
PRIOR_UPLIFT_POINTS = 2.0
ValueBasis = Literal["aov", "clv", "fixed"]
VALUE_BASES: dict[str, str] = {
    "aov": "average order value",
    "clv": "predicted CLV",
    "fixed": "per conversion",
}
STEPS = (("view → cart", "cart"), ("cart → purchase", "purchase"))
BASELINE_COLUMNS = [
    "segment_id",
    "segment",
    "users",
    "reachable_users",
    "conversion_rate",
    "avg_order_value",
    "clv",
    "churn_risk",
    "drop_step",
    "drop_step_rate",
    "shop_step_rate",
    "complaints",
    "currency",
]
OPPORTUNITY_COLUMNS = [
    *BASELINE_COLUMNS,
    "uplift_points",
    "value_per_conversion",
    "extra_conversions",
    "expected_value",
    "sentence",
]


class NoSegments(ValueError):
    """There is no complete segmentation run to rank."""


@dataclass(frozen=True)
class MeasuredUplift:
    """The conversion uplift the shop's own campaigns measured: treated users' conversion rate
    minus their holdout's, in percentage points, pooled over ``campaigns`` campaigns."""

    points: float
    campaigns: int


@dataclass(frozen=True)
class Assumptions:
    """What an expected value assumes; every field is shown next to the result.

    ``uplift_points``: the extra share of reachable users who convert, in percentage points
    (None: the measured uplift when there is one, else PRIOR_UPLIFT_POINTS). ``value_basis``:
    each segment's ``aov`` or ``clv``, or ``fixed`` (``fixed_value`` for every segment).
    """

    uplift_points: float | None = None
    value_basis: ValueBasis = "aov"
    fixed_value: float | None = None
    measured: MeasuredUplift | None = None

    def __post_init__(self) -> None:
        if self.uplift_points is not None and not 0 < self.uplift_points <= 100:
            raise ValueError(f"uplift_points must be above 0 and at most 100 (got {self.uplift_points})")
        if self.value_basis not in VALUE_BASES:
            raise ValueError(f"value_basis must be one of {', '.join(VALUE_BASES)} (got {self.value_basis!r})")
        fixed = self.fixed_value
        if self.value_basis == "fixed" and not (fixed is not None and math.isfinite(fixed) and fixed > 0):
            raise ValueError(f"fixed_value must be a number above 0 when value_basis is 'fixed' (got {fixed})")

    @property
    def default_points(self) -> float:
        return self.measured.points if self.measured else PRIOR_UPLIFT_POINTS

    @property
    def points(self) -> float:
        return self.default_points if self.uplift_points is None else float(self.uplift_points)

    def uplift_source(self) -> str:
        """Where the uplift comes from, in words."""
        if self.points != self.default_points:
            return "set by hand"
        if self.measured:
            return f"measured on {self.measured.campaigns:,} of this shop's past campaigns"
        return "a stated prior: no campaign of this shop has been measured yet"


def expected_value(reachable_users: int, uplift_points: float, value_per_conversion: float) -> float:
    """Reachable users x uplift (points / 100) x value per conversion."""
    return reachable_users * uplift_points / 100 * value_per_conversion


def rank(baselines: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """The segments (``BASELINE_COLUMNS``) with the campaign's ``uplift_points``,
    ``value_per_conversion``, ``extra_conversions``, ``expected_value`` and a ``sentence``,
    best expected value first; segments without a value to assume (no orders, no CLV) last."""
    table = baselines.copy()
    table["uplift_points"] = assumptions.points
    table["value_per_conversion"] = _values(table, assumptions)
    table["extra_conversions"] = table["reachable_users"] * assumptions.points / 100
    table["expected_value"] = table["extra_conversions"] * table["value_per_conversion"]
    table["sentence"] = [_sentence(row, assumptions) for row in table.itertuples(index=False)]
    table = table.sort_values(
        ["expected_value", "reachable_users", "segment_id"], ascending=[False, False, True], na_position="last"
    )
    return table[OPPORTUNITY_COLUMNS].reset_index(drop=True)


def _values(table: pd.DataFrame, assumptions: Assumptions) -> pd.Series:
    if assumptions.value_basis == "fixed":
        return pd.Series(float(assumptions.fixed_value), index=table.index)
    column = "avg_order_value" if assumptions.value_basis == "aov" else "clv"
    return pd.to_numeric(table[column], errors="coerce")


def _sentence(row, assumptions: Assumptions) -> str:
    money = f" {row.currency}" if row.currency else ""
    start = f"{row.segment}: {row.reachable_users:,} reachable users"
    if pd.isna(row.value_per_conversion):
        missing = "no orders yet" if assumptions.value_basis == "aov" else "no predicted CLV"
        return f"{start}; {missing}, so no value per conversion to assume: set one by hand."
    value = f"{row.value_per_conversion:,.0f}{money} {VALUE_BASES[assumptions.value_basis]}"
    gain = "in extra customer value over a year" if assumptions.value_basis == "clv" else "in extra revenue"
    return (
        f"{start}; at a {assumptions.points:g}-point uplift and {value}: "
        f"about {about(row.expected_value):,.0f}{money} {gain}."
    )


def about(value: float) -> float:
    """``value`` to two significant figures (1,512.8 -> 1,500; 47.3 -> 47)."""
    if not value or not math.isfinite(value):
        return value
    return round(value, 1 - int(math.floor(math.log10(abs(value)))))


def baselines(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per segment of the latest complete run (``BASELINE_COLUMNS``), every segment,
    small ones included (exact figures: callers hide groups below the minimum size).
    ``drop_step`` is None where the segment has no funnel (no product views)."""
    run = segment_views.latest_run(con)
    if run is None:
        raise NoSegments("there are no segments yet: run `python -m analytics segment` first")
    profiles = segment_views.run_profiles(con, run["run_id"])
    members = pd.concat(
        [segment_views.members(con, run["run_id"], int(s)) for s in profiles["segment_id"]], ignore_index=True
    )
    everything = _all_history(con)
    table = pd.DataFrame(
        {
            "segment_id": profiles["segment_id"].astype(int),
            "segment": profiles["name"],
            "users": profiles["count_users"].astype(int),
            "reachable_users": _reachable(members, profiles["segment_id"]),
            "conversion_rate": profiles["conversion_rate"],
            "avg_order_value": profiles["avg_order_value"],
            "clv": profiles["clv"],
            "churn_risk": _churn_risk(con, members, everything, profiles),
            "complaints": [_complaints(c) for c in profiles["complaints"]],
            "currency": profiles["currency"],
        }
    )
    steps = _drop_steps(con, everything)
    return table.merge(steps, on="segment_id", how="left")[BASELINE_COLUMNS]


def _all_history(con: duckdb.DuckDBPyConnection) -> Filters | None:
    bounds = queries.one(con, "event_date_range")
    if bounds.get("first_day") is None:
        return None
    return Filters(_day(bounds["first_day"]), _day(bounds["last_day"]))


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _reachable(members: pd.DataFrame, segment_ids: pd.Series) -> list[int]:
    counts = privacy.consenting(members).groupby("segment_id").size()
    return [int(counts.get(s, 0)) for s in segment_ids]


def _churn_risk(
    con: duckdb.DuckDBPyConnection, members: pd.DataFrame, everything: Filters | None, profiles: pd.DataFrame
) -> list[float | None]:
    """Mean churn risk of each segment's customers in the profiles' currency (None: no model)."""
    currency = profiles["currency"].dropna().iloc[0] if profiles["currency"].notna().any() else None
    if everything is None or currency is None:
        return [None] * len(profiles)
    scores = rfm.scores(con, everything, currency)[["user_id", "churn_risk"]]
    means = members.merge(scores, on="user_id").groupby("segment_id")["churn_risk"].mean()
    return [None if pd.isna(means.get(s)) else float(means[s]) for s in profiles["segment_id"]]


def _complaints(complaints: list[dict] | None) -> str:
    return ", ".join(f"{c['term']} ({c['share']:.0%})" for c in complaints or [])


def _drop_steps(con: duckdb.DuckDBPyConnection, everything: Filters | None) -> pd.DataFrame:
    """Per segment id: the funnel step that keeps the smallest share of the users of the step
    before (``drop_step, drop_step_rate``) and the shop's share at that step (``shop_step_rate``)."""
    columns = ["segment_id", "drop_step", "drop_step_rate", "shop_step_rate"]
    if everything is None:
        return pd.DataFrame(columns=columns)
    shop = funnels.funnel(con, everything).set_index("step")["users_step_conversion"]
    groups = funnels.funnel_breakdown(con, everything, funnels.FunnelOptions(), ("segment",))
    ids = groups["segment"].astype(str).str.split(":", n=1).str[0]
    groups = groups[ids.str.isdigit()].assign(segment_id=ids[ids.str.isdigit()].astype(int))
    rates = {"cart": "cart_conversion", "purchase": "purchase_conversion"}
    rows = []
    for group in groups.itertuples(index=False):
        kept = [(getattr(group, rates[step]), label, shop.get(step)) for label, step in STEPS]
        kept = [k for k in kept if pd.notna(k[0])]
        rate, label, shop_rate = min(kept, default=(None, None, None))
        rows.append((group.segment_id, label, rate, shop_rate))
    return pd.DataFrame(rows, columns=columns)
