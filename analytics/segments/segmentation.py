"""Cluster users into segments: scaled behaviour features plus a reduced text embedding.

Steps: ``design_matrix`` (transform, impute, standardise and weight the features; PCA of the
user text vectors), ``choose_k`` (silhouette on a sample and stability across seeds, for each
candidate k), ``fit_segments`` (k-means fitted on a sample, every user assigned to the nearest
centre, segments numbered by size), ``segment_users`` (all of it, deciding whether the text
embedding helps). Pure functions of arrays: the job (analytics.segments.job) reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from analytics.segments.features import UserFeatures, comparable_money
from analytics.segments.text_decision import keep_text

TextMode = Literal["auto", "on", "off"]

# What users are clustered on: how they behave per visit and per product seen (rates), how often
# and how recently they buy (RFM), price level, promotion response and how they feel, plus what
# they look at (category), where they come from and on which device. Raw counts of views, carts
# and events are left out on purpose: they mostly say how long a user has been around, and on
# the demo shop they pulled k-means towards one "activity" axis (adjusted Rand index against
# the hidden types 0.40 with them, 0.67 without; see bench/RESULTS.md). Every feature of the
# table still goes into the profiles.
CLUSTER_COLUMNS = (
    "days_since_last_event",
    "count_sessions",
    "count_orders",
    "avg_order_value",
    "views_per_session",
    "cart_rate",
    "purchase_rate",
    "wishlist_rate",
    "remove_share",
    "refund_share",
    "price_level",
    "discount_share",
    "avg_rating",
    "review_share",
    "searches_per_session",
    "avg_sentiment",
)
# Brands are profiled, not clustered on: a handful of top brands out of hundreds adds noise
# (demo: 0.67 -> 0.57 adjusted Rand index with them).
CLUSTER_AFFINITIES = ("category", "traffic_source", "device")

# Skewed counts and money are compared on a log scale; a user with 100 visits is not 50 times
# more different from one with 2 than one with 2 is from one with 1.
LOG_COLUMNS = frozenset(
    {
        "days_since_last_event",
        "days_since_last_purchase",
        "days_since_first_event",
        "count_events",
        "count_sessions",
        "count_views",
        "count_carts",
        "count_orders",
        "count_refunds",
        "revenue",
        "avg_order_value",
        "views_per_session",
        "count_reviews",
        "count_searches",
    }
)
# Money is compared across currencies as a multiple of the currency's typical buyer.
MONEY_COLUMNS = frozenset({"revenue", "avg_order_value"})
# Missing means "none" for these (no orders: no order value, no refunds); other gaps take the mean.
ZERO_WHEN_MISSING = frozenset(
    {
        "avg_order_value",
        "cart_rate",
        "purchase_rate",
        "wishlist_rate",
        "remove_share",
        "refund_share",
        "review_share",
        "purchase_session_rate",
        "views_per_session",
        "searches_per_session",
    }
)
CLIP_Z = 4.0  # standardised values beyond this are clipped so a few extreme users cannot pull a centre


@dataclass(frozen=True)
class SegmentationConfig:
    """How segments are built; every field has a visible default."""

    k: int | None = None  # None: chosen from k_min..k_max by silhouette and stability
    k_min: int = 2
    k_max: int = 10
    seed: int = 0
    text: TextMode = "auto"  # auto: keep the text embedding only where it helps (see segment_users)
    text_components: int = 8  # PCA components of the text vectors
    text_weight: float = 0.35  # the text block's share of the total variance of the design matrix
    fit_sample: int = 30_000  # users the final k-means is fitted on (all users are assigned)
    select_sample: int = 8_000  # users each candidate k is fitted on while choosing k
    score_sample: int = 3_000  # users silhouette and stability are measured on
    stability_seeds: int = 4
    min_stability: float = 0.8  # a k whose segments change more than this between fits is not chosen
    select_variance: float = 0.5  # k is chosen in the principal components explaining this share
    max_text_redundancy: float = 0.5  # text the behaviour features predict better than this adds nothing
    n_init: int = 4


@dataclass(frozen=True)
class DesignMatrix:
    """Rows are users (the feature table's order); ``columns`` names the columns of ``values``."""

    values: np.ndarray
    columns: tuple[str, ...]
    behaviour_width: int  # the first columns are behaviour and affinities, the rest text components
    text_explained: float | None = None  # share of the text vectors' variance the components keep


@dataclass(frozen=True)
class KEvidence:
    k: int
    silhouette: float
    stability: float  # mean adjusted Rand index between fits with different seeds
    inertia: float


@dataclass
class Segmentation:
    """The result for every user: ``labels[i]`` is the segment of ``user_ids[i]`` (0 = largest)."""

    user_ids: np.ndarray
    labels: np.ndarray
    distances: np.ndarray  # to the segment's centre, in the design space
    map_xy: np.ndarray  # (n, 2) PCA map coordinates for a sample of users, NaN elsewhere
    k: int
    chosen_by: str  # "auto" or "user"
    evidence: list[KEvidence]
    used_text: bool
    text_decision: dict = field(default_factory=dict)
    columns: tuple[str, ...] = ()

    def metrics(self) -> dict:
        """The evidence as plain JSON-able values (stored with the run, shown on the page)."""
        return {
            "k": self.k,
            "chosen_by": self.chosen_by,
            "candidates": [vars(e) for e in self.evidence],
            "used_text": self.used_text,
            "text_decision": self.text_decision,
        }


def behaviour_matrix(features: UserFeatures) -> tuple[np.ndarray, tuple[str, ...]]:
    """The behaviour part of the clustering input: ``CLUSTER_COLUMNS`` (those present) and the
    shares of ``CLUSTER_AFFINITIES``, transformed (log for counts and money, money comparable
    across currencies), imputed, standardised one by one and clipped at ``CLIP_Z``.
    Output: float32 (users, columns) and the column names; constant columns are dropped.
    """
    table = features.table
    columns = [c for c in CLUSTER_COLUMNS if c in features.behaviour]
    columns += [c for c in features.affinities if c.split(":", 1)[0] in CLUSTER_AFFINITIES]
    blocks = [_transformed(table, column) for column in columns]
    matrix = np.column_stack(blocks) if blocks else np.zeros((len(table), 0))
    matrix, names = _standardised(matrix, columns)
    return np.clip(matrix, -CLIP_Z, CLIP_Z).astype(np.float32), names


def _transformed(table: pd.DataFrame, column: str) -> np.ndarray:
    """A column on the scale it is compared on (log for counts and money), gaps filled."""
    values = feature_values(table, column)
    if column in LOG_COLUMNS:
        values = np.log1p(np.clip(values, 0, None))
    elif column == "price_level":
        values = np.log(values)
    return _impute(values, zero=column in ZERO_WHEN_MISSING)


def feature_values(table: pd.DataFrame, column: str) -> np.ndarray:
    """A feature column as float64 (NaN where missing), money made comparable across currencies."""
    if column in MONEY_COLUMNS:
        return comparable_money(table, column)
    return table[column].to_numpy(np.float64, na_value=np.nan)


def design_matrix(features: UserFeatures, text_vectors: np.ndarray | None, config: SegmentationConfig) -> DesignMatrix:
    """The clustering input: ``behaviour_matrix`` plus, when ``text_vectors`` is given (rows
    aligned with the feature table, zero rows for users without text), its first
    ``text_components`` principal components scaled to ``text_weight`` of the total variance."""
    behaviour, names = behaviour_matrix(features)
    if text_vectors is None or config.text_components == 0:
        return DesignMatrix(behaviour, names, behaviour.shape[1])
    reduced, explained = _reduce_text(text_vectors, config)
    behaviour_var = float(behaviour.var(axis=0).sum())
    text_var = float(reduced.var(axis=0).sum()) or 1.0
    weight = config.text_weight
    reduced *= np.sqrt(behaviour_var * weight / (1 - weight) / text_var)
    text_names = tuple(f"text_pc{i + 1}" for i in range(reduced.shape[1]))
    return DesignMatrix(
        np.hstack([behaviour, reduced]).astype(np.float32), names + text_names, behaviour.shape[1], explained
    )


def choose_k(values: np.ndarray, config: SegmentationConfig) -> tuple[int, list[KEvidence]]:
    """Evidence for each k in k_min..k_max, and the k chosen from it.

    Measured in the leading principal components of ``values`` (those explaining
    ``select_variance`` of the variance): in all dimensions distances between users even out
    and silhouettes of every k look alike, while the structure lives in the leading ones.
    Stability: mean adjusted Rand index between ``stability_seeds`` fits, each on a different
    80% subsample of ``select_sample`` users with its own seed, compared on ``score_sample``
    users (1 = the same segments every time). Silhouette (-1..1, how well separated) of the
    first fit on the same users. Chosen: the best silhouette among the k whose stability
    reaches ``min_stability``; if none does, the best silhouette times stability.
    """
    rng = np.random.default_rng(config.seed)
    space = _selection_space(values, rng, config)
    fit_rows = _sample(rng, len(space), config.select_sample)
    score_rows = _sample(rng, len(space), config.score_sample)
    evidence = []
    # Many small fits: one thread each is several times faster than OpenMP threads that spin
    # and wait for each other, most of all on a shared machine.
    with threadpool_limits(limits=1):
        for k in range(config.k_min, min(config.k_max, len(fit_rows) - 1) + 1):
            labelings, inertia = [], 0.0
            for run in range(config.stability_seeds):
                rows = fit_rows[_sample(rng, len(fit_rows), max(k + 1, int(0.8 * len(fit_rows))))]
                model = _kmeans(space[rows], k, config.seed * 1000 + run, 3)
                labelings.append(model.predict(space[score_rows]))
                inertia = inertia or float(model.inertia_)
            stability = float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(labelings, 2)]))
            silhouette = _silhouette(space[score_rows], labelings[0], config.seed)
            evidence.append(KEvidence(k, silhouette, stability, inertia))
    if not evidence:
        raise ValueError(f"segmentation needs at least {config.k_min + 2} users with events; found {len(values)}")
    stable = [e for e in evidence if e.stability >= config.min_stability]
    best = max(stable or evidence, key=lambda e: e.silhouette if stable else e.silhouette * e.stability)
    return best.k, evidence


def _selection_space(values: np.ndarray, rng: np.random.Generator, config: SegmentationConfig) -> np.ndarray:
    """``values`` projected on the principal components that explain ``select_variance``."""
    if values.shape[1] <= 2:
        return values
    rows = _sample(rng, len(values), config.fit_sample)
    pca = PCA(random_state=config.seed).fit(values[rows])
    components = int(np.searchsorted(np.cumsum(pca.explained_variance_ratio_), config.select_variance) + 1)
    components = min(max(components, 2), values.shape[1])
    return (values - pca.mean_) @ pca.components_[:components].T


def fit_segments(values: np.ndarray, k: int, config: SegmentationConfig) -> tuple[np.ndarray, np.ndarray]:
    """k-means fitted on up to ``fit_sample`` users, every user assigned to its nearest centre.

    Returns ``(labels, distances)``; segments are renumbered by size, 0 the largest, so the
    numbering does not depend on the seed.
    """
    rng = np.random.default_rng(config.seed)
    rows = _sample(rng, len(values), config.fit_sample)
    model = _kmeans(values[rows], k, config.seed, config.n_init)
    distances_all = model.transform(values)
    labels = distances_all.argmin(axis=1)
    sizes = np.bincount(labels, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    return renumber[labels], distances_all[np.arange(len(values)), labels]


def map_coordinates(values: np.ndarray, seed: int, sample: int = 3_000) -> np.ndarray:
    """2-D PCA map of a random sample of users; NaN for users outside the sample."""
    rng = np.random.default_rng(seed)
    rows = _sample(rng, len(values), sample)
    xy = np.full((len(values), 2), np.nan)
    components = min(2, values.shape[1], len(rows))
    if components:
        xy[rows, :components] = PCA(n_components=components, random_state=seed).fit_transform(values[rows])
    return xy


def segment_users(features: UserFeatures, text_vectors: np.ndarray | None, config: SegmentationConfig) -> Segmentation:
    """Segments for every user in ``features`` (see the module docstring).

    With ``config.text == "auto"`` and text vectors given, both variants are clustered and the
    text embedding is kept only if it helps (``analytics.segments.text_decision``).
    """
    available = text_vectors is not None and _has_text(text_vectors)
    decision: dict = {"mode": config.text, "available": available}
    designs = {}
    if config.text != "on" or not available:
        designs["without_text"] = design_matrix(features, None, config)
    if config.text != "off" and available:
        designs["with_text"] = design_matrix(features, text_vectors, config)
    results = {name: _cluster(design, config) for name, design in designs.items()}
    chosen = next(iter(results))
    if len(results) == 2:
        chosen, decision = _decide_text(features, designs, results, config, decision)
    k, evidence, labels, distances = results[chosen]
    design = designs[chosen]
    return Segmentation(
        features.user_ids,
        labels,
        distances,
        map_coordinates(design.values, config.seed),
        k,
        "user" if config.k is not None else "auto",
        evidence,
        chosen == "with_text",
        decision,
        design.columns,
    )


def _cluster(design: DesignMatrix, config: SegmentationConfig) -> tuple[int, list[KEvidence], np.ndarray, np.ndarray]:
    if config.k is None:
        k, evidence = choose_k(design.values, config)
    else:
        k, evidence = config.k, []
        if not 1 <= k <= len(design.values):
            raise ValueError(
                f"the number of segments must be between 1 and the number of users ({len(design.values)}); got {k}"
            )
    labels, distances = fit_segments(design.values, k, config)
    return k, evidence, labels, distances


def _decide_text(
    features: UserFeatures, designs: dict, results: dict, config: SegmentationConfig, decision: dict
) -> tuple[str, dict]:
    """Measure both conditions of ``text_decision.keep_text`` and record them with the verdict."""
    with_text = designs["with_text"]
    rows = _sample(np.random.default_rng(config.seed + 1), len(with_text.values), config.score_sample * 4)
    k = results["without_text"][0]
    with_labels = results["with_text"][2]
    if results["with_text"][0] != k:  # compared at the same k
        with_labels, _ = fit_segments(with_text.values, k, config)
    held_out, held_names = held_out_matrix(features)
    verdict = keep_text(
        with_text.values[rows, : with_text.behaviour_width],
        with_text.values[rows, with_text.behaviour_width :],
        held_out[rows],
        with_labels[rows],
        results["without_text"][2][rows],
        config.max_text_redundancy,
    )
    decision = {
        **decision,
        **verdict,
        "compared_at_k": k,
        "held_out_features": list(held_names),
        "k_with_text": results["with_text"][0],
        "agreement_ari": float(adjusted_rand_score(results["with_text"][2], results["without_text"][2])),
        "text_explained_variance": with_text.text_explained,
    }
    return ("with_text" if verdict["kept"] else "without_text"), decision


def held_out_matrix(features: UserFeatures) -> tuple[np.ndarray, tuple[str, ...]]:
    """The features the clustering does not use, transformed and standardised like those it does."""
    columns = [c for c in features.behaviour if c not in CLUSTER_COLUMNS]
    columns += [c for c in features.affinities if c.split(":", 1)[0] not in CLUSTER_AFFINITIES]
    blocks = [_transformed(features.table, c) for c in columns]
    matrix = np.column_stack(blocks) if blocks else np.zeros((len(features.table), 0))
    return _standardised(matrix, columns)


def _standardised(matrix: np.ndarray, columns: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Columns scaled to mean 0 and standard deviation 1; constant ones (up to rounding) dropped,
    since a value everyone shares says nothing about anyone."""
    std = matrix.std(axis=0)
    keep = std > 1e-9 * (np.abs(matrix.mean(axis=0)) + 1)
    scaled = (matrix[:, keep] - matrix[:, keep].mean(axis=0)) / std[keep]
    return scaled, tuple(c for c, k in zip(columns, keep, strict=True) if k)


def _reduce_text(vectors: np.ndarray, config: SegmentationConfig) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(config.seed)
    has = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0)
    rows = has[_sample(rng, len(has), config.fit_sample)]
    components = min(config.text_components, vectors.shape[1], max(len(rows) - 1, 1))
    pca = PCA(n_components=components, random_state=config.seed).fit(vectors[rows])
    reduced = np.zeros((len(vectors), components), dtype=np.float64)
    reduced[has] = pca.transform(vectors[has])  # users without text sit at the centre
    return reduced, float(pca.explained_variance_ratio_.sum())


def _has_text(vectors: np.ndarray) -> bool:
    return vectors.ndim == 2 and vectors.shape[1] > 0 and int((np.abs(vectors).sum(axis=1) > 0).sum()) >= 3


def _impute(values: np.ndarray, *, zero: bool) -> np.ndarray:
    missing = np.isnan(values)
    if missing.any():
        fill = 0.0 if zero or missing.all() else float(np.nanmean(values))
        values = np.where(missing, fill, values)
    return values


def _kmeans(values: np.ndarray, k: int, seed: int, n_init: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(values)


def _silhouette(values: np.ndarray, labels: np.ndarray, seed: int) -> float:
    if len(np.unique(labels)) < 2 or values.shape[1] == 0:
        return 0.0
    return float(silhouette_score(values, labels, random_state=seed))


def _sample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    return np.sort(rng.choice(n, size, replace=False)) if n > size else np.arange(n)
