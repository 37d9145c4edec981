"""The most frequent complaints of each segment, from its low-rated reviews.

A complaint term is a word or two-word phrase found in a significantly larger share of the
reviews rated 1-2 stars than of those rated 4-5 stars across the whole shop (two-proportion
z-test on the share of reviews that contain it). Words common to every review ("the", "de",
"product") cancel out, so this works for any language without a stop-word list.
A segment's complaints are the complaint terms found in most of its own low-rated reviews.
Review text is untrusted: it is only counted here, and masked wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from analytics import queries

MAX_REVIEWS = 40_000  # a random sample this large estimates term frequencies well
MIN_Z = 1.96  # the z-score a term needs to count as a complaint (one-sided, about p < 0.025)
WORD_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"  # words of three or more letters, in any alphabet


@dataclass(frozen=True)
class Complaint:
    term: str
    count_reviews: int  # the segment's low-rated reviews that mention it
    share: float  # of the segment's low-rated reviews


def segment_complaints(
    con: duckdb.DuckDBPyConnection, user_ids: np.ndarray, labels: np.ndarray, top: int = 3, seed: int = 0
) -> dict[int, list[Complaint]]:
    """Up to ``top`` complaint terms per segment (segments without low-rated reviews get none).

    Input: ``sql/rated_reviews.sql`` (user_id, rating, text); ``user_ids``/``labels`` give each
    user's segment. Output: {segment id: [Complaint, ...]} ordered by how many reviews mention it.
    """
    reviews = queries.frame(con, "rated_reviews")
    segment_of = pd.Series(labels, index=pd.Index(user_ids))
    reviews = reviews.assign(segment=segment_of.reindex(reviews["user_id"]).to_numpy())
    reviews = reviews.dropna(subset=["segment"])
    if len(reviews) > MAX_REVIEWS:
        reviews = reviews.sample(MAX_REVIEWS, random_state=seed)
    reviews = reviews.reset_index(drop=True)
    negative = (reviews["rating"] <= 2).to_numpy()
    positive = (reviews["rating"] >= 4).to_numpy()
    if negative.sum() < 3 or positive.sum() < 3:
        return {}
    vectorizer = CountVectorizer(token_pattern=WORD_PATTERN, ngram_range=(1, 2), min_df=3, binary=True, lowercase=True)
    try:
        counts = vectorizer.fit_transform(reviews["text"].fillna(""))
    except ValueError:  # no term in three reviews: nothing to say
        return {}
    terms = np.asarray(vectorizer.get_feature_names_out())
    complaint = _complaint_terms(counts, negative, positive)
    segments = reviews["segment"].to_numpy()
    found = {}
    for segment in np.unique(segments[negative]):
        rows = np.flatnonzero(negative & (segments == segment))
        mentions = np.asarray(counts[rows][:, complaint].sum(axis=0)).ravel()
        found[int(segment)] = [
            Complaint(term, count, count / len(rows)) for term, count in _distinct_top(terms[complaint], mentions, top)
        ]
    return found


def _distinct_top(terms: np.ndarray, mentions: np.ndarray, top: int) -> list[tuple[str, int]]:
    """The most mentioned terms (two-word phrases first on ties), skipping any that shares a word
    with one already chosen ("arrived broken" makes "broken" redundant)."""
    order = sorted(range(len(terms)), key=lambda i: (-mentions[i], -len(terms[i].split()), terms[i]))
    chosen, words = [], set()
    for i in order:
        if mentions[i] < 2 or len(chosen) == top:
            break
        term_words = set(terms[i].split())
        if term_words & words:
            continue
        chosen.append((str(terms[i]), int(mentions[i])))
        words |= term_words
    return chosen


def _complaint_terms(counts, negative: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Column indices of terms in a significantly larger share of negative than positive reviews."""
    n_neg, n_pos = int(negative.sum()), int(positive.sum())
    in_neg = np.asarray(counts[negative].sum(axis=0)).ravel()
    in_pos = np.asarray(counts[positive].sum(axis=0)).ravel()
    pooled = (in_neg + in_pos) / (n_neg + n_pos)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n_neg + 1 / n_pos))
    z = np.divide(in_neg / n_neg - in_pos / n_pos, spread, out=np.zeros_like(spread), where=spread > 0)
    return np.flatnonzero(z >= MIN_Z)
