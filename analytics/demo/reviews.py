"""Which bought items get a review, their rating, and the plan of their (synthetic) text.

The rating follows a latent *experience* of the item: the customer's satisfaction (their
type's centre plus their own deviation), the product's quality, luck, and a refund. The
aspects the text praises or criticises are drawn from the same experience, so text and
rating agree on average; ``review_mismatch`` of the reviews get a rating that contradicts
the text, as real reviewers sometimes do. Text assembly is in review_text.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.catalog import Catalog
from analytics.demo.catalog_tree import LEAVES, TOPS
from analytics.demo.customers import Users
from analytics.demo.events import Items
from analytics.demo.params import DemoParams
from analytics.demo.review_text import ASPECTS, ReviewPlan, write_review
from analytics.demo.sampling import choose
from analytics.demo.sessions import Sessions
from analytics.demo.timeline import Timeline

RATING_CUTS = np.array([-1.3, -0.9, -0.4, 0.35])  # experience -> 1..5 stars
ASPECT_BIAS = np.array([-0.1, 0.0, 0.0, -0.2, -0.35, 0.2])  # service gets mentioned when it failed
# How often each aspect is talked about, by top category (ASPECTS order).
ASPECT_WEIGHTS = {
    "electronics": (0.22, 0.22, 0.36, 0.0, 0.10, 0.10),
    "computers": (0.20, 0.22, 0.40, 0.0, 0.10, 0.08),
    "appliances": (0.25, 0.20, 0.35, 0.0, 0.12, 0.08),
    "apparel": (0.15, 0.15, 0.25, 0.35, 0.05, 0.05),
    "beauty": (0.18, 0.25, 0.35, 0.0, 0.07, 0.15),
    "home": (0.25, 0.20, 0.33, 0.0, 0.10, 0.12),
    "sport": (0.20, 0.22, 0.38, 0.0, 0.10, 0.10),
}
# What a type talks about more than others (multipliers of ASPECT_WEIGHTS).
ASPECT_FOCUS = {
    "bargain_hunter": {"value": 2.5},
    "loyal_premium": {"quality": 1.6},
    "disappointed_churner": {"service": 3.0, "delivery": 1.6},
}
N_UNIFORMS = 32


@dataclass
class Reviews:
    """Reviews of one chunk (local user, session-free ids)."""

    user: np.ndarray
    product: np.ndarray
    order: np.ndarray
    rating: np.ndarray
    title: list[str]
    text: list[str]
    created_us: np.ndarray


def draw_reviews(
    items: Items,
    sessions: Sessions,
    users: Users,
    catalog: Catalog,
    params: DemoParams,
    timeline: Timeline,
    rng: np.random.Generator,
) -> Reviews:
    """Reviews for a share of ``items``; those that would be written after the window are cut."""
    user = sessions.user[items.session]
    experience = (
        users.satisfaction[user]
        + catalog.quality[items.product]
        + rng.normal(0.0, 0.75, len(user))
        - 1.4 * items.refunded
    )
    p = users.review_rate[user] * np.where(experience < -0.5, 1.5, 1.0)  # the angry write more
    lo, hi = params.review_delay_days
    created_h = items.checkout_h + 24.0 * rng.uniform(lo, hi, len(user))
    pick = np.flatnonzero((rng.random(len(user)) < p) & (created_h < timeline.hours))
    x = experience[pick]
    text_rating = 1 + np.searchsorted(RATING_CUTS, x)
    rating = _mismatch(text_rating, params.review_mismatch, rng)
    leaf = catalog.leaf[items.product[pick]]
    kinds = users.kind[user[pick]]
    aspects = _aspects(leaf, kinds, params, rng)
    positive = rng.random(aspects.shape) < 1.0 / (1.0 + np.exp(-2.5 * (x[:, None] + ASPECT_BIAS[aspects])))
    # The first aspect carries the verdict of a clearly good or bad experience; the others
    # may disagree ("great quality but delivery was slow").
    positive[:, 0] = np.where(text_rating >= 4, True, np.where(text_rating <= 2, False, positive[:, 0]))
    pii = np.where(rng.random(len(pick)) < params.review_pii_rate, 1 + (rng.random(len(pick)) < 0.5), 0)
    u = rng.random((len(pick), N_UNIFORMS))
    n_aspects = 1 + choose((0.5, 0.35, 0.15), len(pick), rng)
    titles, texts = [], []
    for i in range(len(pick)):  # string assembly: one review at a time (tens of thousands at 10M events)
        k = n_aspects[i]
        pos = tuple(bool(b) for b in positive[i, :k])
        plan = ReviewPlan(
            aspects=tuple(int(a) for a in aspects[i, :k]),
            positive=pos,
            mood=_mood(pos),
            text_rating=int(text_rating[i]),
            noun=LEAVES[leaf[i]].noun,
            refunded=bool(items.refunded[pick[i]]),
            u=u[i],
            pii=int(pii[i]),
        )
        title, text = write_review(plan)
        titles.append(title)
        texts.append(text)
    return Reviews(
        user=user[pick],
        product=items.product[pick],
        order=items.order[pick],
        rating=rating,
        title=titles,
        text=texts,
        created_us=timeline.to_us(created_h[pick]),
    )


def _mismatch(rating: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """Flip a share of ratings to the other side of the scale (a 3 becomes a 1 or a 5)."""
    flip = rng.random(len(rating)) < share
    flipped = np.where(rating == 3, np.where(rng.random(len(rating)) < 0.5, 1, 5), 6 - rating)
    return np.where(flip, flipped, rating)


def _aspects(leaf: np.ndarray, kinds: np.ndarray, params: DemoParams, rng: np.random.Generator) -> np.ndarray:
    """Three distinct aspects per review, most talked-about first (reviews use the first 1-3)."""
    top = np.array([TOPS.index(lf.top) for lf in LEAVES])[leaf]
    base = np.array([ASPECT_WEIGHTS[t] for t in TOPS])[top]
    focus = np.ones((len(params.types), len(ASPECTS)))
    for t, kind in enumerate(params.types):
        for aspect, factor in ASPECT_FOCUS.get(kind.name, {}).items():
            focus[t, ASPECTS.index(aspect)] = factor
    weights = base * focus[kinds] + 1e-9
    # Weighted sampling without replacement: the largest of u ** (1 / w) (Efraimidis-Spirakis).
    keys = rng.random(weights.shape) ** (1.0 / weights)
    return np.argsort(-keys, axis=1)[:, :3]


def _mood(positive: tuple[bool, ...]) -> int:
    score = sum(1 if p else -1 for p in positive) / len(positive)
    return 1 if score > 0.34 else -1 if score < -0.34 else 0
