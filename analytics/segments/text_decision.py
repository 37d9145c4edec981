"""Whether the text embedding helps the segments: measured, not assumed.

``keep_text`` keeps it only when both hold:

- new information: the behaviour features predict less than ``max_redundancy`` of the text
  components' variance (``text_redundancy``: cross-validated R squared of a ridge regression).
  Product titles that only re-say the category a user shops in add weight to what the
  clustering already sees, not knowledge;
- better segments: at the same k, the segments with text explain the features left out of the
  clustering (counts, revenue, tenure, brand shares, ...) better than those without
  (``explained_share``: mean share of each held-out feature's variance between segments).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge


def keep_text(
    behaviour: np.ndarray,
    text: np.ndarray,
    held_out: np.ndarray,
    labels_with_text: np.ndarray,
    labels_without_text: np.ndarray,
    max_redundancy: float,
) -> dict:
    """The two measurements and the verdict, for the same users (rows) in every argument:
    ``{"text_redundancy_r2", "max_text_redundancy", "held_out_explained_with_text",
    "held_out_explained_without_text", "kept"}``."""
    redundancy = text_redundancy(behaviour, text)
    with_text = explained_share(held_out, labels_with_text)
    without_text = explained_share(held_out, labels_without_text)
    return {
        "text_redundancy_r2": redundancy,
        "max_text_redundancy": max_redundancy,
        "held_out_explained_with_text": with_text,
        "held_out_explained_without_text": without_text,
        "kept": bool(redundancy < max_redundancy and with_text > without_text),
    }


def text_redundancy(behaviour: np.ndarray, text: np.ndarray) -> float:
    """Share of the text components' variance the behaviour features predict (3-fold
    cross-validated R squared of a ridge regression, summed over components)."""
    if behaviour.shape[1] == 0 or len(behaviour) < 10:
        return 0.0
    folds = np.arange(len(behaviour)) % 3
    residual = 0.0
    for fold in range(3):
        train, test = folds != fold, folds == fold
        model = Ridge(alpha=1.0).fit(behaviour[train], text[train])
        residual += float(((text[test] - model.predict(behaviour[test])) ** 2).sum())
    total = float(((text - text.mean(axis=0)) ** 2).sum())
    return 1.0 - residual / total if total > 0 else 1.0


def explained_share(values: np.ndarray, labels: np.ndarray) -> float:
    """Mean over columns of the share of variance between the groups of ``labels`` (eta squared)."""
    if values.shape[1] == 0:
        return 0.0
    total = ((values - values.mean(axis=0)) ** 2).sum(axis=0)
    within = np.zeros(values.shape[1])
    for label in np.unique(labels):
        part = values[labels == label]
        within += ((part - part.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.mean(1 - within / np.where(total > 0, total, 1)))
