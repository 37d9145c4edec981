"""The reranker: a logistic regression over retrieval scores and evidence shape.

Each piece of a product's evidence gets features from both retrievers (BM25 and the dense
cosine, raw and relative to the best of the product), its kind and its length; the evidence model
turns them into a score of how well the evidence answers the question (the ranking). A second,
question-level model reads the best evidence's scores (QUESTION_FEATURES) and gives the
probability that the product's evidence answers the question at all: below the shipped
threshold the assistant abstains. Both are fitted by ``bench/eval_assistant.py --fit`` on the
calibration half of ePQA (qid hash even, never the half the figures are reported on) and
shipped as ``reranker.json`` beside this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.assistant.text import is_yes_no, tokens

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
# What the best-ranked evidence says about whether the question can be answered at all.
QUESTION_FEATURES = (
    "top_cosine",
    "cosine_margin",
    "top3_cosine",
    "top_score",
    "top3_score",
    "log_top_bm25",
    "yes_no_question",
    "log_question_words",
    "top_question_words_covered",
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


def question_features(question: str, matrix: np.ndarray, bm25: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """One row of QUESTION_FEATURES for a question: ``matrix`` is its evidence's ``features``,
    ``scores`` the evidence model's scores of those rows (at least one row)."""
    cosine = np.sort(matrix[:, FEATURES.index("cosine")])[::-1]
    ranked = np.sort(scores)[::-1]
    top = int(np.argmax(scores))
    second = cosine[1] if len(cosine) > 1 else 0.0
    return np.asarray(
        [
            cosine[0],
            cosine[0] - second,
            cosine[:3].mean(),
            ranked[0],
            ranked[:3].mean(),
            np.log1p(float(bm25.max())),
            float(is_yes_no(question)),
            np.log1p(len(question.split())),
            matrix[top, FEATURES.index("question_words_covered")],
        ]
    )


def _ranks(scores: np.ndarray) -> np.ndarray:
    """0 for the best score, 1 for the next, ... (ties share the order of appearance)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(len(scores))
    return ranks


@dataclass(frozen=True)
class Reranker:
    """Logistic-regression weights over FEATURES (evidence) and QUESTION_FEATURES (answerable),
    and the shipped abstention threshold on the answerable probability."""

    coef: tuple[float, ...]
    intercept: float
    abstain_below: float
    trained_on: str
    question_coef: tuple[float, ...] = (0.0,) * len(QUESTION_FEATURES)
    question_intercept: float = 0.0

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """The probability that each row's evidence answers the question, shape ``(rows,)``."""
        return sigmoid(matrix @ np.asarray(self.coef) + self.intercept)

    def answerable(self, question_row: np.ndarray) -> float:
        """The probability that a question with these QUESTION_FEATURES is answered by its evidence."""
        return float(sigmoid(question_row @ np.asarray(self.question_coef) + self.question_intercept))

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Reranker:
        """Read the shipped weights; a file for other features is refused by name."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES or tuple(data.get("question_features", ())) != QUESTION_FEATURES:
            raise ValueError(
                f"{path}: weights are for features {data['features']} and {data.get('question_features')}, "
                f"this code computes {FEATURES} and {QUESTION_FEATURES}"
            )
        return cls(
            tuple(data["coef"]),
            float(data["intercept"]),
            float(data["abstain_below"]),
            data["trained_on"],
            tuple(data["question_coef"]),
            float(data["question_intercept"]),
        )

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        """Write the weights with their feature names (read back by ``load``)."""
        data = {
            "features": list(FEATURES),
            "coef": [round(c, 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
            "question_features": list(QUESTION_FEATURES),
            "question_coef": [round(c, 6) for c in self.question_coef],
            "question_intercept": round(self.question_intercept, 6),
            "abstain_below": round(self.abstain_below, 4),
            "trained_on": self.trained_on,
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def sigmoid(x):
    """The logistic function (the probability of a log-odds)."""
    return 1.0 / (1.0 + np.exp(-x))


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, c: float, balanced: bool) -> tuple[tuple[float, ...], float]:
    """(coefficients, intercept) of an L2 logistic regression with inverse strength ``c``."""
    from sklearn.linear_model import LogisticRegression

    weight = "balanced" if balanced else None
    model = LogisticRegression(C=c, class_weight=weight, max_iter=3000).fit(matrix, labels)
    return tuple(float(v) for v in model.coef_[0]), float(model.intercept_[0])
