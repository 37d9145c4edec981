"""Segment profiles: who is in each segment, what they are worth, how they feel, and why they
belong together (traits), written as plain sentences with a short name.

Figures are exact (no minimum group size here: the page and exports apply it). Definitions:
- conversion rate: users with at least one order / users (purchasers / visitors);
- revenue per user (historical CLV): revenue to date in the main currency / users;
- RFM mix: share of the segment in each RFM tier (``rfm_tiers``);
- top categories and brands: the segment's mean share of events per value, with its lift over
  all users;
- sentiment: mean review sentiment of the segment's reviewers (when reviews were scored);
- complaints: ``analytics.complaints``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics.complaints import Complaint, segment_complaints
from analytics.features import UserFeatures
from analytics.segmentation import Segmentation
from analytics.traits import Trait, segment_traits, short_name

RFM_TIERS = ("champions", "loyal", "promising", "need attention", "at risk", "hibernating", "non-buyers")
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


def rfm_tiers(features: UserFeatures) -> np.ndarray:
    """An RFM tier (``RFM_TIERS``) per user, from recency and frequency quintile scores of buyers.

    Scores 1-5 by percentile rank among users with an order (ties share a score): R from days
    since the last purchase (recent is 5), F from orders. champions R>=4 F>=4; loyal R>=3 F>=3;
    promising R>=4; at risk R<=2 F>=3; hibernating R<=2; need attention otherwise.
    """
    table = features.table
    buyer = table["count_orders"].to_numpy() > 0
    tiers = np.full(len(table), "non-buyers", dtype=object)
    if not buyer.any():
        return tiers
    r = _quintile(-table.loc[buyer, "days_since_last_purchase"])
    f = _quintile(table.loc[buyer, "count_orders"])
    tier = np.select(
        [(r >= 4) & (f >= 4), (r >= 3) & (f >= 3), r >= 4, (r <= 2) & (f >= 3), r <= 2],
        ["champions", "loyal", "promising", "at risk", "hibernating"],
        default="need attention",
    )
    tiers[buyer] = tier
    return tiers


def build_profiles(
    con: duckdb.DuckDBPyConnection, features: UserFeatures, segmentation: Segmentation
) -> list[SegmentProfile]:
    """One profile per segment, in segment id order, with unique short names."""
    labels = segmentation.labels
    tiers = rfm_tiers(features)
    complaints = segment_complaints(con, segmentation.user_ids, labels, seed=0)
    taken: set[str] = set()
    profiles = []
    for segment in range(segmentation.k):
        traits = segment_traits(features, labels, segment, features.currency)
        profile = _profile(features, segmentation, tiers, segment, traits, complaints.get(segment, []))
        profile.name = short_name(traits, taken)
        profiles.append(profile)
    return profiles


def _profile(
    features: UserFeatures,
    segmentation: Segmentation,
    tiers: np.ndarray,
    segment: int,
    traits: list[Trait],
    complaints: list[Complaint],
) -> SegmentProfile:
    table = features.table
    inside = segmentation.labels == segment
    part = table.loc[inside]
    revenue_all = float(table["revenue"].sum())
    revenue = float(part["revenue"].sum())
    orders = float(part["count_orders"].sum())
    n = int(inside.sum())
    notes = list(features.notes)
    profile = SegmentProfile(
        segment_id=segment,
        name="",
        count_users=n,
        share_users=n / len(table),
        revenue=revenue,
        share_revenue=revenue / revenue_all if revenue_all else 0.0,
        revenue_per_user=revenue / n if n else 0.0,
        conversion_rate=float((part["count_orders"] > 0).mean()) if n else 0.0,
        orders_per_user=orders / n if n else 0.0,
        avg_order_value=revenue / orders if orders else None,
        rfm_mix=_mix(tiers[inside]),
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
        sentences.append(f"Their low-rated reviews most often mention {terms}.")
    return " ".join(sentences)


def _quintile(values: pd.Series) -> np.ndarray:
    return np.ceil(values.rank(pct=True, method="average").to_numpy() * 5).clip(1, 5)


def _mix(tiers: np.ndarray) -> dict[str, float]:
    if len(tiers) == 0:
        return dict.fromkeys(RFM_TIERS, 0.0)
    return {tier: float((tiers == tier).mean()) for tier in RFM_TIERS}


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
