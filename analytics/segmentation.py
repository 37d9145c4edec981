"""Cluster users into segments: scaled behaviour features plus a reduced text embedding.

Steps: ``design_matrix`` (transform, impute, standardise and weight the features; PCA of the
user text vectors), ``choose_k`` (silhouette on a sample and stability across seeds, for each
candidate k), ``fit_segments`` (k-means fitted on a sample, every user assigned to the nearest
centre, segments numbered by size), ``segment_users`` (all of it, deciding whether the text
embedding helps). Pure functions of arrays: the job (analytics.segment_job) reads and writes.
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

from analytics.features import UserFeatures, comparable_money

TextMode = Literal["auto", "on", "off"]

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
# Missing means "none" for these (no orders: no order value); other gaps take the mean.
ZERO_WHEN_MISSING = frozenset({"avg_order_value", "cart_rate", "purchase_session_rate", "views_per_session"})
CLIP_Z = 4.0  # standardised values beyond this are clipped so a few extreme users cannot pull a centre
AFFINITY_WEIGHT = 2.0  # an affinity dimension weighs as much as this many behaviour columns


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
    stability_seeds: int = 3
    min_stability: float = 0.8  # a k whose segments change with the seed more than this is not chosen
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
    """Behaviour and affinity columns transformed, imputed, standardised, weighted and clipped.

    Behaviour columns are standardised one by one. The columns of an affinity dimension (e.g.
    all ``category:*`` shares) share one scale, so a rare brand is not blown up to look as
    telling as a common one, and the dimension as a whole carries the variance of
    ``AFFINITY_WEIGHT`` behaviour columns however many values it has.
    Output: float32 (users, columns) and the column names.
    """
    table = features.table
    blocks, names = [], []
    for column in features.behaviour:
        values = feature_values(table, column)
        if column in LOG_COLUMNS:
            values = np.log1p(np.clip(values, 0, None))
        elif column == "price_level":
            values = np.log(values)
        blocks.append(_standardise(_impute(values, zero=column in ZERO_WHEN_MISSING))[:, None])
        names.append(column)
    for dimension in dict.fromkeys(c.split(":", 1)[0] for c in features.affinities):
        columns = [c for c in features.affinities if c.startswith(dimension + ":")]
        shares = table[columns].to_numpy(np.float64)
        scale = shares.std(axis=0).mean()
        if scale > 0:
            centred = (shares - shares.mean(axis=0)) / scale
            blocks.append(centred * np.sqrt(AFFINITY_WEIGHT / len(columns)))
            names.extend(columns)
    matrix = np.hstack(blocks) if blocks else np.zeros((len(table), 0))
    keep = matrix.std(axis=0) > 0  # a constant column says nothing about anyone
    names = [n for n, k in zip(names, keep, strict=True) if k]
    return np.clip(matrix[:, keep], -CLIP_Z, CLIP_Z).astype(np.float32), tuple(names)


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

    Silhouette (how well separated the segments are, -1..1) on ``score_sample`` users and
    stability (mean adjusted Rand index between fits with ``stability_seeds`` seeds) on the
    same users. Chosen: the best silhouette among the k whose stability reaches
    ``min_stability``; if none does, the most stable k.
    """
    rng = np.random.default_rng(config.seed)
    fit_rows = _sample(rng, len(values), config.select_sample)
    score_rows = _sample(rng, len(values), config.score_sample)
    evidence = []
    # Many small fits: one thread each is several times faster than OpenMP threads that spin
    # and wait for each other, most of all on a shared machine.
    with threadpool_limits(limits=1):
        for k in range(config.k_min, min(config.k_max, len(fit_rows) - 1) + 1):
            fits = [_kmeans(values[fit_rows], k, config.seed + i, 1) for i in range(config.stability_seeds)]
            labelings = [m.predict(values[score_rows]) for m in fits]
            stability = float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(labelings, 2)]))
            silhouette = _silhouette(values[score_rows], labelings[0], config.seed)
            evidence.append(KEvidence(k, silhouette, stability, float(fits[0].inertia_)))
    if not evidence:
        raise ValueError(f"segmentation needs at least {config.k_min + 2} users with events; found {len(values)}")
    stable = [e for e in evidence if e.stability >= config.min_stability]
    best = max(stable, key=lambda e: e.silhouette) if stable else max(evidence, key=lambda e: e.stability)
    return best.k, evidence


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
    text embedding is kept only if it helps: the segments with text must separate users
    better when judged on behaviour and on text together (sum of the silhouettes in the
    behaviour space and in the text space, on the same users) as the segments without it.
    """
    available = text_vectors is not None and _has_text(text_vectors)
    decision: dict = {"mode": config.text, "available": available}
    designs = {}
    if config.text != "on" or not available:
        designs["without_text"] = design_matrix(features, None, config)
    if config.text != "off" and available:
        designs["with_text"] = design_matrix(features, text_vectors, config)
    results = {name: _cluster(design, config) for name, design in designs.items()}
    if len(results) == 2:
        chosen, decision = _compare_text(designs, results, config, decision)
    else:
        chosen = next(iter(results))
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


def _compare_text(designs: dict, results: dict, config: SegmentationConfig, decision: dict) -> tuple[str, dict]:
    """Keep the text variant when its segments are at least as coherent in behaviour and text together."""
    with_text, without = designs["with_text"], designs["without_text"]
    rng = np.random.default_rng(config.seed + 1)
    rows = _sample(rng, len(with_text.values), config.score_sample)
    behaviour = without.values[rows]
    text = with_text.values[rows, with_text.behaviour_width :]
    scores = {}
    for name in ("with_text", "without_text"):
        labels = results[name][2][rows]
        sil_behaviour, sil_text = _silhouette(behaviour, labels, config.seed), _silhouette(text, labels, config.seed)
        scores[name] = {
            "k": results[name][0],
            "silhouette_behaviour": sil_behaviour,
            "silhouette_text": sil_text,
            "score": sil_behaviour + sil_text,
        }
    kept = scores["with_text"]["score"] > scores["without_text"]["score"]
    agreement = float(adjusted_rand_score(results["with_text"][2], results["without_text"][2]))
    decision = {
        **decision,
        **scores,
        "agreement_ari": agreement,
        "kept": bool(kept),
        "text_explained_variance": with_text.text_explained,
    }
    return ("with_text" if kept else "without_text"), decision


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


def _standardise(values: np.ndarray) -> np.ndarray:
    std = values.std()
    return (values - values.mean()) / std if std > 0 else values - values.mean()


def _kmeans(values: np.ndarray, k: int, seed: int, n_init: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(values)


def _silhouette(values: np.ndarray, labels: np.ndarray, seed: int) -> float:
    if len(np.unique(labels)) < 2 or values.shape[1] == 0:
        return 0.0
    return float(silhouette_score(values, labels, random_state=seed))


def _sample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    return np.sort(rng.choice(n, size, replace=False)) if n > size else np.arange(n)
