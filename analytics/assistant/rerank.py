"""The reranker: a logistic regression over retrieval scores and evidence shape.

Each piece of a product's evidence gets features from both retrievers (BM25 and the dense
cosine, raw and relative to the best of the product), its kind and its length; the model turns
them into the probability that the evidence answers the question. It is fitted on hetPQA
(Toys & Games evidence ranking, another category than the ePQA questions it is evaluated on) by
``bench/eval_assistant.py --fit`` and shipped as ``reranker.json`` beside this module, with the
abstention threshold chosen on held-out data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.assistant.text import tokens

KINDS = ("title", "description", "bullet", "attribute", "qa", "review")
FEATURES = (
    "bm25_relative",
    "bm25_reciprocal_rank",
    "cosine",
    "cosine_gap",
    "cosine_reciprocal_rank",
    "log_words",
    "question_words_covered",
    *(f"kind_{k}" for k in KINDS),
)
WEIGHTS_FILE = Path(__file__).with_name("reranker.json")


def features(
    question: str, kinds: Sequence[str], texts: Sequence[str], bm25: np.ndarray, cosine: np.ndarray
) -> np.ndarray:
    """One row of FEATURES per piece of evidence of one product; shape ``(len(texts), len(FEATURES))``."""
    n = len(texts)
    top_bm25 = float(bm25.max()) if n and bm25.max() > 0 else 1.0
    asked = set(tokens(question))
    words = [tokens(t) for t in texts]
    covered = [len(asked & set(w)) / max(len(asked), 1) for w in words]
    columns = [
        bm25 / top_bm25,
        1.0 / (1 + _ranks(bm25)),
        cosine,
        cosine - (cosine.max() if n else 0.0),
        1.0 / (1 + _ranks(cosine)),
        np.log1p([len(w) for w in words]),
        np.asarray(covered, dtype=float),
        *(np.asarray([k == kind for k in kinds], dtype=float) for kind in KINDS),
    ]
    return np.column_stack(columns) if n else np.zeros((0, len(FEATURES)))


def _ranks(scores: np.ndarray) -> np.ndarray:
    """0 for the best score, 1 for the next, ... (ties share the order of appearance)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(len(scores))
    return ranks


@dataclass(frozen=True)
class Reranker:
    """Logistic-regression weights over FEATURES and the shipped abstention threshold."""

    coef: tuple[float, ...]
    intercept: float
    abstain_below: float
    trained_on: str

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """The probability that each row's evidence answers the question, shape ``(rows,)``."""
        return 1.0 / (1.0 + np.exp(-(matrix @ np.asarray(self.coef) + self.intercept)))

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Reranker:
        """Read the shipped weights; a file for other features is refused by name."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: weights are for features {data['features']}, this code computes {FEATURES}")
        return cls(tuple(data["coef"]), float(data["intercept"]), float(data["abstain_below"]), data["trained_on"])

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        """Write the weights with their feature names (read back by ``load``)."""
        data = {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "abstain_below": round(self.abstain_below, 4),
            "trained_on": self.trained_on,
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def fit(matrix: np.ndarray, labels: np.ndarray, trained_on: str, abstain_below: float = 0.0) -> Reranker:
    """A logistic regression (balanced classes, L2) fitted on feature rows and 0/1 labels."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(matrix, labels)
    return Reranker(tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0]), abstain_below, trained_on)
