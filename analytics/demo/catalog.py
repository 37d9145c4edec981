"""The product catalog: products laid out so that events can sample them vectorised.

Products are stored sorted by (leaf category, price tier, popularity rank). A view picks a
leaf (from the user's taste), a price tier (from the user's price preference) and then a
product of that (leaf, tier) group with Zipf popularity, in one ``searchsorted`` call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.demo.catalog_tree import (
    ADJECTIVES,
    BRANDS,
    COMPLEMENTS,
    LEAVES,
    TOP_PRODUCT_SHARE,
    TOPS,
    VARIANTS,
)
from analytics.demo.customer_types import TIERS
from analytics.demo.params import DemoParams
from analytics.demo.sampling import SegmentSampler, zipf_weights


@dataclass(frozen=True)
class Catalog:
    """Products (row i = product index i) and the samplers over them.

    ``complement[i]`` is the product bought together with product i (-1: none) and
    ``complement_prob[i]`` the chance a buyer of i adds it.
    """

    product_id: np.ndarray  # str
    title: np.ndarray  # str
    brand: np.ndarray  # str
    leaf: np.ndarray  # int, index into LEAVES
    tier: np.ndarray  # int, 0 = cheapest quarter of its leaf
    price_usd: np.ndarray
    price_eur: np.ndarray
    quality: np.ndarray  # latent quality, shifts review experience
    complement: np.ndarray
    complement_prob: np.ndarray
    sampler: SegmentSampler  # products; segments: leaf * TIERS + tier
    leaf_sampler: SegmentSampler  # leaves; segments: tops (LEAVES are listed top by top)
    leaf_top: np.ndarray  # top index of each leaf

    @property
    def size(self) -> int:
        """Number of products."""
        return len(self.product_id)

    def frame(self) -> pd.DataFrame:
        """The ``products`` table: product_id, title, category, brand, price (USD list price)."""
        paths = np.array([leaf.path for leaf in LEAVES], dtype=object)
        return pd.DataFrame(
            {
                "product_id": self.product_id,
                "title": self.title,
                "category": paths[self.leaf],
                "brand": self.brand,
                "price": self.price_usd,
            }
        )


def build_catalog(n_products: int, params: DemoParams, rng: np.random.Generator) -> Catalog:
    """Draw a catalog of about ``n_products`` products (at least ``min_products_per_leaf`` a leaf)."""
    counts = _products_per_leaf(n_products, params)
    leaf = np.repeat(np.arange(len(LEAVES)), counts)
    brand, brand_factor = _brands(leaf, rng)
    median = np.array([lf.median_usd for lf in LEAVES])[leaf]
    raw = median * brand_factor * rng.lognormal(0.0, params.price_sigma, len(leaf))
    price_usd = charm_price(raw)
    tier = _tiers(leaf, raw, counts)
    popularity = rng.random(len(leaf))  # rank within (leaf, tier) follows this random order
    order = np.lexsort((popularity, tier, leaf))
    leaf, tier, brand, brand_factor, price_usd = (
        a[order] for a in (leaf, tier, brand, brand_factor, price_usd)
    )
    group = leaf * TIERS + tier
    group_counts = np.bincount(group, minlength=len(LEAVES) * TIERS)
    offsets = np.concatenate(([0], np.cumsum(group_counts)))
    rank = np.arange(len(leaf)) - np.repeat(offsets[:-1], group_counts)
    weights = zipf_weights(int(rank.max()) + 1, params.zipf_exponent)[rank]
    complement, complement_prob = _complements(leaf, brand, weights, params, rng)
    ids = rng.permutation(len(leaf)) + 1  # ids do not reveal the sort order
    quality = 0.25 * (brand_factor - 1.0) + rng.normal(0.0, 0.35, len(leaf))
    return Catalog(
        product_id=np.array([f"p{i:06d}" for i in ids], dtype=object),
        title=_titles(leaf, brand, rng),
        brand=brand,
        leaf=leaf,
        tier=tier,
        price_usd=price_usd,
        price_eur=charm_price(price_usd * params.fx_eur_per_usd),
        quality=quality,
        complement=complement,
        complement_prob=complement_prob,
        sampler=SegmentSampler(weights, offsets),
        leaf_sampler=_leaf_sampler(),
        leaf_top=np.array([TOPS.index(lf.top) for lf in LEAVES]),
    )


def charm_price(raw: np.ndarray) -> np.ndarray:
    """Shop-style prices: 4.99, 24.99, 249.99, 1,299.00 (rounded to a step that grows with price)."""
    step = np.select([raw < 20, raw < 200, raw < 1000], [0.5, 1.0, 10.0], 50.0)
    rounded = np.maximum(np.round(raw / step) * step, step)
    return np.round(np.where(rounded >= 1000, rounded, rounded - 0.01), 2)


def _products_per_leaf(n_products: int, params: DemoParams) -> np.ndarray:
    top_share = np.array(TOP_PRODUCT_SHARE)[[TOPS.index(lf.top) for lf in LEAVES]]
    leaf_share = top_share * _leaf_weight_by_top().sum(axis=0)
    return np.maximum(params.min_products_per_leaf, np.round(n_products * leaf_share)).astype(int)


def _leaf_weight_by_top() -> np.ndarray:
    m = np.zeros((len(TOPS), len(LEAVES)))
    for j, lf in enumerate(LEAVES):
        m[TOPS.index(lf.top), j] = lf.weight
    return m / m.sum(axis=1, keepdims=True)


def _leaf_sampler() -> SegmentSampler:
    top = np.array([TOPS.index(lf.top) for lf in LEAVES])
    offsets = np.concatenate(([0], np.cumsum(np.bincount(top, minlength=len(TOPS)))))
    return SegmentSampler(np.array([lf.weight for lf in LEAVES]), offsets)


def _brands(leaf: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A brand per product, Zipf-popular within its top category; returns names and price factors."""
    brand = np.empty(len(leaf), dtype=object)
    factor = np.empty(len(leaf))
    tops = np.array([TOPS.index(lf.top) for lf in LEAVES])[leaf]
    for t, top in enumerate(TOPS):  # seven tops, not one iteration per product
        rows = np.flatnonzero(tops == t)
        names = np.array([b[0] for b in BRANDS[top]], dtype=object)
        factors = np.array([b[1] for b in BRANDS[top]])
        weights = zipf_weights(len(names), 0.8)[rng.permutation(len(names))]
        pick = rng.choice(len(names), size=len(rows), p=weights / weights.sum())
        brand[rows], factor[rows] = names[pick], factors[pick]
    return brand, factor


def _tiers(leaf: np.ndarray, price: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Price quartile of each product within its leaf (0 = cheapest); ``leaf`` is sorted."""
    order = np.lexsort((price, leaf))  # by leaf, then price: leaves keep their positions
    leaf_start = np.repeat(np.cumsum(counts) - counts, counts)
    rank_in_leaf = np.empty(len(leaf), dtype=int)
    rank_in_leaf[order] = np.arange(len(leaf)) - leaf_start
    return np.minimum(rank_in_leaf * TIERS // np.repeat(counts, counts), TIERS - 1)


def _titles(leaf: np.ndarray, brand: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """ "<Brand> <adjective> <noun> <variant>", e.g. "Auralis Wireless Headphones Navy"."""
    titles = np.empty(len(leaf), dtype=object)
    for j, lf in enumerate(LEAVES):
        rows = np.flatnonzero(leaf == j)
        adjectives = np.array(ADJECTIVES[lf.top], dtype=object)
        variants = np.array(VARIANTS[lf.variants], dtype=object)
        adj = adjectives[rng.integers(0, len(adjectives), len(rows))]
        var = variants[rng.integers(0, len(variants), len(rows))]
        titles[rows] = brand[rows] + " " + adj + " " + lf.noun + " " + var
    return titles


def _complements(
    leaf: np.ndarray, brand: np.ndarray, weights: np.ndarray, params: DemoParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """For each product of a leaf that has a complement leaf, one partner product to buy with it.

    The partner is of the same brand when that brand sells the complement (a Lumio phone gets
    a Lumio case), otherwise a popular product of the complement leaf.
    """
    paths = [lf.path for lf in LEAVES]
    complement = np.full(len(leaf), -1)
    prob = np.zeros(len(leaf))
    for source, target, p in COMPLEMENTS:
        rows = np.flatnonzero(leaf == paths.index(source))
        candidates = np.flatnonzero(leaf == paths.index(target))
        w = weights[candidates] / weights[candidates].sum()
        partner = candidates[rng.choice(len(candidates), size=len(rows), p=w)]
        for b in np.unique(brand[rows]):  # a handful of brands per rule
            same = candidates[brand[candidates] == b]
            if len(same):
                mine = rows[brand[rows] == b]
                keep = rng.random(len(mine)) < 0.6
                partner[np.searchsorted(rows, mine[keep])] = same[rng.integers(0, len(same), keep.sum())]
        complement[rows] = partner
        prob[rows] = p * params.complement_prob / 0.30
    return complement, np.clip(prob, 0.0, 1.0)
