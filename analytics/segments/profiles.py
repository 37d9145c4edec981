"""Segment profiles: who is in each segment, what they are worth, how they feel, and why they
belong together (traits), written as plain sentences with a short name.

Figures are exact (no minimum group size here: the page and exports apply it). Definitions:
- conversion rate: users with at least one order / users (purchasers / visitors);
- revenue per user: revenue to date / users, in the main currency (users buying in another
  currency are left out of money figures; money is never summed across currencies);
- RFM mix: share of the segment in each RFM tier of analytics.conversion.rfm (the Conversion page's
  tiers, scored within each currency), plus "Non-buyers";
- CLV: mean predicted customer lifetime value over the next year (analytics.core.clv, BG/NBD and
  Gamma-Gamma, fitted by the marts) of the segment's customers in the main currency;
- top categories and brands: the segment's mean share of events per value, with its lift over
  all users;
- sentiment: mean review sentiment of the segment's reviewers (when reviews were scored);
- complaints: ``analytics.segments.complaints``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from analytics.conversion import rfm
from analytics.core import queries
from analytics.core.filters import Filters
from analytics.segments.complaints import Complaint, segment_complaints
from analytics.segments.features import UserFeatures, in_currency
from analytics.segments.segmentation import Segmentation
from analytics.segments.traits import Trait, all_traits, short_name

NON_BUYERS = "Non-buyers"
RFM_TIERS = (*rfm.TIER_ORDER, NON_BUYERS)
REPRESENTATIVES = 5
TOP_VALUES = 3


@dataclass(frozen=True)
class TopValue:
    value: str
    share: float  # the segment's mean share of events with this value
    lift: float  # that share divided by all users' mean share


@dataclass
class SegmentProfile:
    """Everything the page, the exports and the campaign studio say about one segment."""

    segment_id: int
    name: str
    count_users: int
    share_users: float
    revenue: float
    share_revenue: float
    revenue_per_user: float
    conversion_rate: float
    orders_per_user: float
    avg_order_value: float | None
    clv: float | None  # mean predicted CLV over the next year of the segment's customers
    rfm_mix: dict[str, float]
    top_categories: list[TopValue]
    top_brands: list[TopValue]
    avg_rating: float | None
    avg_sentiment: float | None
    complaints: list[Complaint]
    traits: list[Trait]
    description: str
    representatives: list[str]
    currency: str | None
    notes: list[str] = field(default_factory=list)

    def profile_json(self) -> str:
        """Everything except name, size, description and traits (stored in their own columns)."""
        data = asdict(self)
        for key in ("segment_id", "name", "count_users", "description", "traits"):
            data.pop(key)
        return json.dumps(data)

    def traits_json(self) -> str:
        return json.dumps([t.as_dict() for t in self.traits])


@dataclass(frozen=True)
class CustomerValues:
    """Per user, aligned with the feature table: RFM tier (``NON_BUYERS`` without an order in
    their currency) and predicted CLV in their own currency (NaN without a model)."""

    tiers: np.ndarray
    clv: np.ndarray
    available: bool  # False while the marts are empty (data written without a mart refresh)


def customer_values(con: duckdb.DuckDBPyConnection, features: UserFeatures) -> CustomerValues:
    """RFM tiers and CLV from analytics.conversion.rfm over all history, each user in their own currency."""
    n = len(features.table)
    tiers, clv = np.full(n, NON_BUYERS, dtype=object), np.full(n, np.nan)
    bounds = queries.one(con, "event_date_range")
    currencies = rfm.currencies(con) if bounds.get("first_day") is not None else []
    if not currencies:
        return CustomerValues(tiers, clv, available=False)
    everything = Filters(_day(bounds["first_day"]), _day(bounds["last_day"]))
    rows = pd.Index(features.user_ids)
    own = features.table["currency"].to_numpy()
    for currency in currencies:
        scores = rfm.scores(con, everything, currency)
        at = rows.get_indexer(scores["user_id"])
        mine = (at >= 0) & (own[np.clip(at, 0, None)] == currency)
        tiers[at[mine]] = scores["tier"].to_numpy()[mine]
        clv[at[mine]] = scores["clv"].to_numpy(np.float64, na_value=np.nan)[mine]
    return CustomerValues(tiers, clv, available=True)


def build_profiles(
    con: duckdb.DuckDBPyConnection, features: UserFeatures, segmentation: Segmentation
) -> list[SegmentProfile]:
    """One profile per segment, in segment id order, with unique short names."""
    labels = segmentation.labels
    values = customer_values(con, features)
    complaints = segment_complaints(con, segmentation.user_ids, labels, seed=0)
    taken: set[str] = set()
    profiles = []
    traits_of = all_traits(features, labels, segmentation.k, features.currency)
    for segment in range(segmentation.k):
        traits = traits_of[segment]
        profile = _profile(features, segmentation, values, segment, traits, complaints.get(segment, []))
        profile.name = short_name(traits, taken)
        profiles.append(profile)
    return profiles


def _profile(
    features: UserFeatures,
    segmentation: Segmentation,
    values: CustomerValues,
    segment: int,
    traits: list[Trait],
    complaints: list[Complaint],
) -> SegmentProfile:
    table = features.table
    inside = segmentation.labels == segment
    part = table.loc[inside]
    money = in_currency(table, features.currency)  # users whose money is in the main currency
    revenue_all = float(table.loc[money, "revenue"].sum())
    revenue = float(table.loc[inside & money, "revenue"].sum())
    orders = float(table.loc[inside & money, "count_orders"].sum())
    n, n_money = int(inside.sum()), int((inside & money).sum())
    notes = list(features.notes)
    if not values.available:
        notes.append("RFM tiers and CLV come from the marts, which are empty: run `python -m analytics refresh-marts`")
    clv = values.clv[inside & money]
    profile = SegmentProfile(
        segment_id=segment,
        name="",
        count_users=n,
        share_users=n / len(table),
        revenue=revenue,
        share_revenue=revenue / revenue_all if revenue_all else 0.0,
        revenue_per_user=revenue / n_money if n_money else 0.0,
        conversion_rate=float((part["count_orders"] > 0).mean()) if n else 0.0,
        orders_per_user=float(part["count_orders"].sum()) / n if n else 0.0,
        avg_order_value=revenue / orders if orders else None,
        clv=float(np.nanmean(clv)) if np.isfinite(clv).any() else None,
        rfm_mix=_mix(values.tiers[inside]) if values.available else {},
        top_categories=_top(features, inside, "category"),
        top_brands=_top(features, inside, "brand"),
        avg_rating=_mean(part["avg_rating"]),
        avg_sentiment=_mean(part["avg_sentiment"]) if features.has_sentiment else None,
        complaints=complaints,
        traits=traits,
        description="",
        representatives=_representatives(segmentation, inside),
        currency=features.currency,
        notes=notes,
    )
    profile.description = describe(profile)
    return profile


def describe(profile: SegmentProfile) -> str:
    """Plain sentences from the profile's figures: size and worth, then each trait."""
    money = f" {profile.currency}" if profile.currency else ""
    sentences = [
        f"{profile.count_users:,} users ({profile.share_users:.0%} of users) bringing "
        f"{profile.share_revenue:.0%} of revenue, {profile.revenue_per_user:,.2f}{money} per user to date; "
        f"{profile.conversion_rate:.0%} of them have ordered."
    ]
    sentences += [t.sentence for t in profile.traits]
    if profile.complaints:
        terms = ", ".join(f"“{c.term}” ({c.share:.0%})" for c in profile.complaints)
        if profile.complaints[0].basis == "aspect":
            sentences.append(f"Their reviews are most often negative about {terms}.")
        else:
            sentences.append(f"Their low-rated reviews most often mention {terms}.")
    return " ".join(sentences)


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _mix(tiers: np.ndarray) -> dict[str, float]:
    """Share of users per tier, tiers present only, in RFM_TIERS order."""
    if len(tiers) == 0:
        return {}
    shares = {tier: float((tiers == tier).mean()) for tier in RFM_TIERS}
    return {tier: share for tier, share in shares.items() if share > 0}


def _top(features: UserFeatures, inside: np.ndarray, dimension: str) -> list[TopValue]:
    columns = [c for c in features.affinities if c.startswith(dimension + ":")]
    if not columns or not inside.any():
        return []
    shares = features.table[columns].to_numpy(np.float64)
    seg, everyone = shares[inside].mean(axis=0), shares.mean(axis=0)
    order = np.argsort(-seg, kind="stable")[:TOP_VALUES]
    return [
        TopValue(columns[i].split(":", 1)[1], float(seg[i]), float(seg[i] / everyone[i]) if everyone[i] else 0.0)
        for i in order
        if seg[i] > 0
    ]


def _representatives(segmentation: Segmentation, inside: np.ndarray) -> list[str]:
    rows = np.flatnonzero(inside)
    closest = rows[np.argsort(segmentation.distances[rows], kind="stable")[:REPRESENTATIVES]]
    return [str(u) for u in segmentation.user_ids[closest]]


def _mean(values: pd.Series) -> float | None:
    value = values.mean()
    return None if pd.isna(value) else float(value)
