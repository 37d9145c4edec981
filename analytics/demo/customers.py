"""Users of one chunk: their hidden type, where they live, and their own behaviour parameters.

Each user's parameters are drawn *around* their type's centre (Dirichlet for mixes,
lognormal for rates), so that users of one type differ and types overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.customer_types import CustomerType
from analytics.demo.params import DemoParams
from analytics.demo.sampling import choose
from analytics.demo.timeline import Timeline

CURRENCIES = ("USD", "EUR")
RATE_NAMES = ("cart_rate", "cart_to_purchase", "direct_purchase", "remove_rate", "wishlist_rate")


@dataclass
class Users:
    """Per-user arrays of one chunk (row i = local user i)."""

    kind: np.ndarray  # index into params.types
    country: np.ndarray  # index into params.countries
    currency: np.ndarray  # index into CURRENCIES
    consent: np.ndarray  # bool
    is_new: np.ndarray  # first visit inside the window
    history_days: np.ndarray  # returning users: days between first visit and the window start
    active_from: np.ndarray  # hours since the window start
    active_to: np.ndarray
    profile: np.ndarray  # timeline profile
    sessions: np.ndarray  # planned number of sessions
    views_per_session: np.ndarray
    view_gap_s: np.ndarray
    taste: np.ndarray  # (n, tops)
    tiers: np.ndarray  # (n, 4)
    sources: np.ndarray  # (n, 6)
    main_device: np.ndarray
    devices: np.ndarray  # (n, 3): the type's mix, used off the main device
    rates: dict[str, np.ndarray]  # RATE_NAMES
    satisfaction: np.ndarray
    refund_rate: np.ndarray
    review_rate: np.ndarray
    search_rate: np.ndarray
    deal_query_share: np.ndarray
    promo_buy_boost: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)


def draw_users(n: int, params: DemoParams, timeline: Timeline, rng: np.random.Generator) -> Users:
    """Draw ``n`` users with their parameters and planned number of sessions."""
    types = params.types
    kind = choose([t.share for t in types], n, rng)
    country = choose([c.share for c in params.countries], n, rng)
    currency = np.array([CURRENCIES.index(c.currency) for c in params.countries])[country]
    offset = np.array([c.utc_offset_h for c in params.countries])[country]

    def col(name: str) -> np.ndarray:
        """A type field, per user."""
        return np.array([getattr(t, name) for t in types], dtype=float)[kind]

    is_new = rng.random(n) < col("new_share")
    active_from, active_to = _active_window(n, is_new, col("churn_prob"), params, timeline, rng)
    profile = timeline.profile_of(kind, offset)
    activity = col("sessions_per_week") * rng.lognormal(
        -0.5 * params.activity_sigma**2, params.activity_sigma, n
    )
    expected = activity * timeline.weeks_between(profile, active_from, active_to)
    # A demo user is a customer who came back: enough sessions to show their type (docs).
    sessions = np.maximum(rng.poisson(expected), params.min_sessions)
    noisy = rng.lognormal(-0.5 * params.rate_sigma**2, params.rate_sigma, (len(RATE_NAMES), n))
    return Users(
        kind=kind,
        country=country,
        currency=currency,
        consent=rng.random(n) < col("consent"),
        is_new=is_new,
        history_days=rng.uniform(1.0, params.max_history_days, n),
        active_from=active_from,
        active_to=active_to,
        profile=profile,
        sessions=sessions,
        views_per_session=col("views_per_session") * rng.lognormal(-0.03, 0.25, n),
        view_gap_s=params.view_gap_s * rng.lognormal(-0.08, 0.4, n),
        taste=_dirichlet_around(types, kind, "taste", params.taste_concentration, rng),
        tiers=_dirichlet_around(types, kind, "tiers", params.tier_concentration, rng),
        sources=_dirichlet_around(types, kind, "sources", params.source_concentration, rng),
        main_device=_main_device(types, kind, rng),
        devices=np.array([t.devices for t in types])[kind],
        rates={name: np.clip(col(name) * noisy[i], 0.0, 0.95) for i, name in enumerate(RATE_NAMES)},
        satisfaction=col("satisfaction") + rng.normal(0.0, params.satisfaction_sigma, n),
        refund_rate=np.clip(col("refund_rate") * rng.lognormal(-0.08, 0.4, n), 0.0, 0.6),
        review_rate=col("review_rate"),
        search_rate=col("search_rate") * rng.lognormal(-0.08, 0.4, n),
        deal_query_share=col("deal_query_share"),
        promo_buy_boost=col("promo_buy_boost"),
    )


def _active_window(
    n: int,
    is_new: np.ndarray,
    churn_prob: np.ndarray,
    params: DemoParams,
    timeline: Timeline,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """[from, to) in hours: new users arrive during the window (a little more often later);
    churning users stop some weeks after their first visit inside the window."""
    last = timeline.hours - 2.0  # sessions end before the window does
    arrival = last * rng.random(n) ** 0.85
    start = np.where(is_new, arrival, 0.0)
    churns = rng.random(n) < churn_prob
    stay_h = 24.0 * (1.0 + rng.exponential(params.churn_after_days, n))
    end = np.where(churns, np.minimum(start + stay_h, last), last)
    return start, np.maximum(end, start + 1.0)


def _dirichlet_around(
    types: tuple[CustomerType, ...],
    kind: np.ndarray,
    name: str,
    concentration: float,
    rng: np.random.Generator,
) -> np.ndarray:
    centre = np.array([getattr(t, name) for t in types], dtype=float)
    centre /= centre.sum(axis=1, keepdims=True)
    # A Dirichlet draw is normalised gammas; drawing gammas row-wise keeps this vectorised.
    draws = rng.standard_gamma(concentration * centre[kind])
    draws += 1e-12
    return draws / draws.sum(axis=1, keepdims=True)


def _main_device(types: tuple[CustomerType, ...], kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    mix = np.array([t.devices for t in types], dtype=float)
    cum = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)[kind]
    return np.minimum((rng.random(len(kind))[:, None] >= cum).sum(axis=1), mix.shape[1] - 1)
