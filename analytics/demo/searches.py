"""Site searches: what visitors type, tied to their session, its main category and its time.

Queries come from a fixed pool per leaf category (built once from the catalog vocabulary):
the category's own words ("headphones"), brand + word ("auralis headphones"), a brand
alone, adjectives and variants ("laptop 16gb"), quality words ("best tent") and, for deal
seekers, deal words ("cheap sneakers", "tv sale"). Popular queries are drawn far more often
than the long tail, and about one query in ten carries a typo, as in real search logs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.catalog_tree import ADJECTIVES, BRANDS, DEAL_WORDS, LEAVES, QUALITY_WORDS, VARIANTS, Leaf
from analytics.demo.customers import Users
from analytics.demo.sampling import SegmentSampler, parent_index
from analytics.demo.sessions import Sessions
from analytics.demo.timeline import Timeline

TYPO_SHARE = 0.10
KEYBOARD_NEIGHBOURS = dict(zip("abcdefghijklmnopqrstuvwxyz", "sqvsrdfgujlkmbipwtaryciuth", strict=True))


@dataclass(frozen=True)
class QueryPool:
    """All queries (``text``), segmented by (leaf, deal) = leaf * 2 + is_deal."""

    text: np.ndarray
    sampler: SegmentSampler


@dataclass
class Searches:
    session: np.ndarray  # local session
    query: np.ndarray  # index into QueryPool.text
    searched_us: np.ndarray


def build_query_pool(rng: np.random.Generator) -> QueryPool:
    """The query pool of every leaf, with popularity weights and typo variants."""
    texts: list[str] = []
    weights: list[float] = []
    counts: list[int] = []
    for leaf in LEAVES:
        for deal in (False, True):
            pool = _deal_queries(leaf) if deal else _plain_queries(leaf)
            pool = _with_typos(pool, rng)
            texts += [q for q, _ in pool]
            weights += [w for _, w in pool]
            counts.append(len(pool))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    return QueryPool(np.array(texts, dtype=object), SegmentSampler(np.array(weights), offsets))


def draw_searches(
    sessions: Sessions, users: Users, pool: QueryPool, timeline: Timeline, rng: np.random.Generator
) -> Searches:
    """Searches of the kept sessions: a few per session for searchers, about the session's category."""
    per_session = rng.poisson(users.search_rate[sessions.user])
    session = parent_index(per_session)
    deal = rng.random(len(session)) < users.deal_query_share[sessions.user[session]]
    query = pool.sampler.draw(sessions.main_leaf[session] * 2 + deal, rng)
    # Within the first minute of the session: after landing, before browsing deeper.
    offset_h = rng.uniform(2.0, 60.0, len(session)) / 3600.0
    return Searches(session, query, timeline.to_us(sessions.start_h[session] + offset_h))


def _plain_queries(leaf: Leaf) -> list[tuple[str, float]]:
    word = leaf.queries[0]
    brands = [b for b, _ in BRANDS[leaf.top]]
    out = [(q, 12.0 if i == 0 else 6.0) for i, q in enumerate(leaf.queries)]
    out += [(f"{b.lower()} {word}", 3.0 / (1 + i)) for i, b in enumerate(brands)]
    out += [(b.lower(), 1.5 / (1 + i)) for i, b in enumerate(brands)]
    out += [(f"{a.lower()} {word}", 0.8) for a in ADJECTIVES[leaf.top][:3]]
    out += [(f"{word} {v.lower().replace(chr(34), '')}", 0.6) for v in VARIANTS[leaf.variants][:3]]
    out += [(f"{q} {word}" if q != "review" else f"{word} review", 0.7) for q in QUALITY_WORDS]
    return out


def _deal_queries(leaf: Leaf) -> list[tuple[str, float]]:
    word = leaf.queries[0]
    limit = next(x for x in (25, 50, 100, 200, 500, 1000, 2000) if x >= leaf.median_usd)
    out = [(f"cheap {q}", 6.0 / (1 + i)) for i, q in enumerate(leaf.queries)]
    out += [(f"{word} {w}", 3.0) for w in ("sale", "deal", "discount", "offer")]
    out += [(f"{word} under {limit}", 2.0), (f"best price {word}", 1.5), (f"{word} clearance", 1.0)]
    out += [(f"{b.lower()} {word} {w}", 0.8) for b, _ in BRANDS[leaf.top][:3] for w in DEAL_WORDS[:2]]
    return out


def _with_typos(pool: list[tuple[str, float]], rng: np.random.Generator) -> list[tuple[str, float]]:
    """Add typo variants of the most popular queries carrying ``TYPO_SHARE`` of the weight."""
    total = sum(w for _, w in pool)
    top = sorted(pool, key=lambda qw: -qw[1])[:4]
    typos = [(_typo(q, rng), w) for q, w in top for _ in range(2)]
    scale = TYPO_SHARE * total / (1.0 - TYPO_SHARE) / sum(w for _, w in typos)
    return pool + [(q, w * scale) for q, w in typos if q not in {p for p, _ in pool}]


def _typo(query: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a dropped, doubled, swapped or neighbouring letter."""
    letters = [i for i, c in enumerate(query) if c.isalpha()]
    if len(letters) < 3:
        return query + query[-1]
    i = letters[int(rng.integers(1, len(letters)))]
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return query[:i] + query[i + 1 :]
    if kind == 1:
        return query[:i] + query[i] + query[i:]
    if kind == 2 and i + 1 < len(query):
        return query[: i - 1] + query[i] + query[i - 1] + query[i + 1 :]
    return query[:i] + KEYBOARD_NEIGHBOURS.get(query[i], query[i]) + query[i + 1 :]
