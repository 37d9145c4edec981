"""Okapi BM25 over one product's evidence: a few hundred texts at most, scored in memory."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from analytics.assistant.text import tokens


def bm25_scores(query: str, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """BM25 of ``query`` against each of ``documents`` (IDF from these documents, floored at a
    small positive value so a word in every document still counts). Shape ``(len(documents),)``."""
    docs = [tokens(d) for d in documents]
    if not docs:
        return np.zeros(0)
    frequency = Counter(t for d in docs for t in set(d))
    average = max(sum(len(d) for d in docs) / len(docs), 1.0)
    n = len(docs)
    scores = np.zeros(n)
    for term in set(tokens(query)):
        df = frequency.get(term, 0)
        if not df:
            continue
        idf = max(math.log((n - df + 0.5) / (df + 0.5) + 1.0), 0.01)
        for i, doc in enumerate(docs):
            tf = doc.count(term)
            if tf:
                scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / average))
    return scores
