"""What sets a segment apart, in numbers and in plain sentences.

A trait is a feature whose mean in the segment differs from its mean in the rest of the users
by a large standardised difference (Cohen's d on the log scale for counts and money). The
sentence states both means in the feature's own unit; the segment's short name is built from
the words of its strongest traits. Every word comes from the numbers: no model writes facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.segments.features import UserFeatures, in_currency
from analytics.segments.segmentation import LOG_COLUMNS, MONEY_COLUMNS, feature_values

MIN_EFFECT = 0.3  # smaller standardised differences are not called traits
MAX_TRAITS = 4
MAX_AFFINITY_TRAITS = 2  # what a segment buys matters, but so does how it behaves


@dataclass(frozen=True)
class FeatureText:
    """How a feature is spoken about: its label, unit, and the words for a high or low segment."""

    label: str
    unit: str  # "days", "count", "money", "share", "ratio", "rating", "score"
    high: str
    low: str
    group: str = ""  # traits of one group say the same thing; only the strongest is kept


FEATURE_TEXT: dict[str, FeatureText] = {
    "days_since_last_event": FeatureText("days since the last visit", "days", "Lapsed", "Recently active", "recency"),
    "days_since_last_purchase": FeatureText(
        "days since the last purchase", "days", "Long since buying", "Recent buyers", "recency_purchase"
    ),
    "days_since_first_event": FeatureText("days since the first visit", "days", "Long-standing", "Newcomers", "tenure"),
    "count_events": FeatureText("events per user", "count", "Highly active", "Light users", "activity"),
    "count_sessions": FeatureText("visits per user", "count", "Frequent visitors", "One-visit", "activity"),
    "count_views": FeatureText("product views per user", "count", "Heavy browsers", "Few views", "activity"),
    "count_carts": FeatureText("cart adds per user", "count", "Cart fillers", "Rarely cart", "carts"),
    "count_orders": FeatureText("orders per user", "count", "Repeat buyers", "Rare buyers", "orders"),
    "revenue": FeatureText("revenue per user", "money", "Big spenders", "Low spenders", "money"),
    "avg_order_value": FeatureText("average order value", "money", "Big baskets", "Small baskets", "basket"),
    "views_per_session": FeatureText("product views per visit", "ratio", "Deep browsers", "Quick visits", "depth"),
    "cart_rate": FeatureText("cart adds per product view", "share", "Cart-happy", "Browse only", "carts"),
    "purchase_rate": FeatureText("purchases per product view", "share", "Quick to buy", "Slow to buy", "conversion"),
    "wishlist_rate": FeatureText(
        "wishlist adds per product view", "share", "Wishlisters", "Rarely wishlist", "wishlist"
    ),
    "remove_share": FeatureText("cart adds removed again", "share", "Cart abandoners", "Committed carts", "removes"),
    "refund_share": FeatureText("purchases refunded", "share", "Returners", "Keep what they buy", "refunds"),
    "purchase_session_rate": FeatureText(
        "visits that end in a purchase", "share", "Decisive", "Undecided", "conversion"
    ),
    "price_level": FeatureText("price level against the category median", "ratio", "Premium", "Budget", "price"),
    "discount_share": FeatureText("purchases made at a discount", "share", "Deal seekers", "Full price", "discount"),
    "count_refunds": FeatureText("refunds per user", "count", "Returners", "Rarely return", "refunds"),
    "count_reviews": FeatureText("reviews per user", "count", "Reviewers", "Silent", "reviews"),
    "avg_rating": FeatureText("average rating given", "rating", "Happy", "Unhappy", "rating"),
    "count_searches": FeatureText("searches per user", "count", "Searchers", "Rarely search", "search"),
    "searches_per_session": FeatureText("searches per visit", "ratio", "Searchers", "Rarely search", "search"),
    "review_share": FeatureText("purchases reviewed", "share", "Reviewers", "Silent", "reviews"),
    "avg_sentiment": FeatureText("review sentiment (-1 to 1)", "score", "Positive", "Critical", "rating"),
}
AFFINITY_TEXT = {
    "category": ("of their categorised events in {v}", "{v} fans", "Few {v}"),
    "brand": ("of their branded events on {v}", "{v} fans", "Few {v}"),
    "traffic_source": ("of their events from {v}", "Via {v}", "Rarely via {v}"),
    "device": ("of their events on {v}", "{v} users", "Rarely on {v}"),
}


@dataclass(frozen=True)
class Trait:
    """One distinguishing feature of a segment, with the figures its sentence states."""

    feature: str
    label: str
    segment_value: float
    rest_value: float
    effect: float  # standardised difference (segment minus rest), in standard deviations
    sentence: str
    word: str  # for the short name

    def as_dict(self) -> dict:
        return asdict(self)


def all_traits(features: UserFeatures, labels: np.ndarray, k: int, currency: str | None) -> list[list[Trait]]:
    """The strongest distinguishing traits of each segment 0..k-1 (at most ``MAX_TRAITS`` each,
    |effect| >= ``MIN_EFFECT``, one per group of features saying the same thing, at most
    ``MAX_AFFINITY_TRAITS`` affinities). One pass over each feature serves every segment."""
    candidates: list[list[Trait]] = [[] for _ in range(k)]
    for column in (*features.behaviour, *features.affinities):
        for segment, trait in _column_traits(features.table, column, labels, k, currency):
            candidates[segment].append(trait)
    return [_strongest(found) for found in candidates]


def segment_traits(features: UserFeatures, labels: np.ndarray, segment: int, currency: str | None) -> list[Trait]:
    """The traits of one segment (see ``all_traits``)."""
    return all_traits(features, labels, int(labels.max()) + 1, currency)[segment]


def _strongest(found: list[Trait]) -> list[Trait]:
    found = sorted(found, key=lambda t: -abs(t.effect))
    kept, groups, affinities = [], set(), 0
    for trait in found:
        group, is_affinity = _group(trait.feature), ":" in trait.feature
        if group in groups or (is_affinity and affinities >= MAX_AFFINITY_TRAITS):
            continue
        groups.add(group)
        affinities += is_affinity
        kept.append(trait)
    return kept[:MAX_TRAITS]


def short_name(traits: list[Trait], taken: set[str]) -> str:
    """A short name, unique among ``taken``: the strongest behaviour trait's word, then the
    strongest affinity's ("Big spenders · electronics fans"), else the two strongest traits."""
    behaviour = [t.word for t in traits if ":" not in t.feature]
    affinity = [t.word for t in traits if ":" in t.feature]
    words = behaviour[:1] + affinity[:1] if behaviour and affinity else [t.word for t in traits[:2]]
    if not words:
        return _unique("Typical users", taken)
    name = " · ".join([words[0], *(_lower_first(w) for w in words[1:])])
    spare = [t.word for t in traits if t.word not in words]
    if name in taken and spare:
        name = f"{name} · {_lower_first(spare[0])}"
    return _unique(name, taken)


def segment_means(values: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` inside each segment and over everyone else, ignoring NaN: two arrays of
    length ``k`` (NaN where a side has no value)."""
    known = ~np.isnan(values)
    sums = np.bincount(labels[known], weights=values[known], minlength=k)
    counts = np.bincount(labels[known], minlength=k).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = sums / counts
        rest = (sums.sum() - sums) / (counts.sum() - counts)
    return inside, rest


def effect_sizes(values: np.ndarray, labels: np.ndarray, k: int, column: str) -> np.ndarray:
    """Standardised difference of means, each segment minus the rest, over users with a value
    (log scale for counts and money): length ``k``, NaN where it cannot be told."""
    scaled = np.log1p(np.clip(values, 0, None)) if column in LOG_COLUMNS else values
    if column == "price_level":
        scaled = np.log(values)
    spread = np.nanstd(scaled) if (~np.isnan(scaled)).any() else 0.0
    inside, rest = segment_means(scaled, labels, k)
    return (inside - rest) / spread if spread > 0 else np.full(k, np.nan)


def _column_traits(
    table: pd.DataFrame, column: str, labels: np.ndarray, k: int, currency: str | None
) -> list[tuple[int, Trait]]:
    # The effect compares money across currencies as multiples of a typical buyer; the sentence
    # states amounts in one currency, over the users whose money is in it.
    effects = effect_sizes(feature_values(table, column), labels, k, column)
    strong = [s for s in range(k) if np.isfinite(effects[s]) and abs(effects[s]) >= MIN_EFFECT]
    if ":" in column:  # "rarely via search" is the echo of "via email": affinities are said positively
        strong = [s for s in strong if effects[s] > 0]
    if not strong:
        return []
    values = table[column].to_numpy(np.float64, na_value=np.nan)
    if column in MONEY_COLUMNS:
        values = np.where(in_currency(table, currency), values, np.nan)
    inside, rest = segment_means(values, labels, k)
    return [
        (s, _trait(column, float(inside[s]), float(rest[s]), float(effects[s]), currency))
        for s in strong
        if np.isfinite(inside[s]) and np.isfinite(rest[s])
    ]


def _trait(column: str, seg: float, rest: float, effect: float, currency: str | None) -> Trait:
    if ":" in column:
        dimension, value = column.split(":", 1)
        value = value.replace("_", " ")  # paid_search -> paid search
        phrase, high, low = AFFINITY_TEXT[dimension]
        label = phrase.format(v=value)
        word = (high if effect > 0 else low).format(v=value)
        sentence = f"{_percent(seg)} {label}, against {_percent(rest)} for everyone else."
        return Trait(column, label, seg, rest, effect, _upper_first(sentence), _upper_first(word))
    text = FEATURE_TEXT[column]
    word = text.high if effect > 0 else text.low
    more = "higher" if effect > 0 else "lower"
    sentence = (
        f"{_upper_first(text.label)}: {_fmt(seg, text.unit, currency)} against {_fmt(rest, text.unit, currency)} "
        f"for everyone else ({more}, {abs(effect):.1f} standard deviations)."
    )
    return Trait(column, text.label, seg, rest, effect, sentence, word)


def _group(feature: str) -> str:
    if ":" in feature:
        return feature.split(":", 1)[0]  # shares of one dimension say the same thing from two sides
    return FEATURE_TEXT[feature].group or feature


def _fmt(value: float, unit: str, currency: str | None) -> str:
    if unit == "money":
        return f"{value:,.2f} {currency}" if currency else f"{value:,.2f}"
    if unit == "share":
        return _percent(value)
    if unit == "days":
        return f"{value:,.1f} days"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "rating":
        return f"{value:.1f} stars"
    return f"{value:,.2f}" if unit == "score" else f"{value:,.1f}"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    taken.add(candidate)
    return candidate


def trait_table(traits: list[Trait]) -> pd.DataFrame:
    """Traits as a table (feature, label, segment_value, rest_value, effect, sentence)."""
    return pd.DataFrame([t.as_dict() for t in traits], columns=list(Trait.__dataclass_fields__))
