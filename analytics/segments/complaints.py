"""The most frequent complaints of each segment.

When the sentiment job has found what reviews talk about (``review_aspects``: an aspect
such as delivery or quality, with the sentiment of the sentences about it), a segment's
complaints are the aspects its scored reviews talk about negatively most often. Otherwise they
are phrases of its low-rated reviews:

A complaint term is a word or two-word phrase found in a significantly larger share of the
reviews rated 1-2 stars than of those rated 4-5 stars across the whole shop (two-proportion
z-test on the share of reviews that contain it), in at least ``MIN_LIFT`` times the share, and
not made of function words only. Function words are found from the reviews themselves (words
in more than ``FUNCTION_WORD_SHARE`` of all reviews: "the", "not", "que", "não"),
so this works in any language without a stop-word list, and "not worth" or "não recebi" remain.
A segment's complaints are the complaint terms found in most of its own low-rated reviews.
Review text is untrusted: it is only counted here, and masked wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from analytics.core import queries

MAX_REVIEWS = 40_000  # a random sample this large estimates term frequencies well
MIN_Z = 1.96  # the z-score a term needs to count as a complaint (one-sided, about p < 0.025)
MIN_LIFT = 2.0  # and how many times more often it must appear in low-rated than in high-rated reviews
FUNCTION_WORD_SHARE = 0.03  # a word in more than this share of all reviews is a function word
MIN_REVIEWS_FOR_FUNCTION_WORDS = 200
WORD_PATTERN = r"(?u)\b[^\W\d_]+\b"  # words of letters, in any alphabet


@dataclass(frozen=True)
class Complaint:
    term: str
    count_reviews: int  # the segment's reviews that complain about it
    share: float  # of the segment's scored reviews (aspects) or of its 1-2 star reviews (phrases)
    basis: str = "phrase"  # "aspect": a negative aspect found by the sentiment job; "phrase": words of 1-2 star reviews


def segment_complaints(
    con: duckdb.DuckDBPyConnection, user_ids: np.ndarray, labels: np.ndarray, top: int = 3, seed: int = 0
) -> dict[int, list[Complaint]]:
    """Up to ``top`` complaints per segment: negative aspects when reviews were scored with
    aspects (``aspect_complaints``), else phrases of 1-2 star reviews (``phrase_complaints``).
    Output: {segment id: [Complaint, ...]} ordered by how many reviews mention it."""
    by_aspect = aspect_complaints(con, user_ids, labels, top)
    return by_aspect if by_aspect is not None else phrase_complaints(con, user_ids, labels, top, seed)


def aspect_complaints(
    con: duckdb.DuckDBPyConnection, user_ids: np.ndarray, labels: np.ndarray, top: int = 3
) -> dict[int, list[Complaint]] | None:
    """The aspects each segment's scored reviews talk about negatively most often (share of the
    segment's scored reviews), or None while no review has an aspect.

    Input: ``sql/segment_aspect_reviews.sql`` (user_id, review_id, aspect or null)."""
    rows = queries.frame(con, "segment_aspect_reviews")
    if rows.empty or not _has_aspects(con):
        return None
    segment_of = pd.Series(labels, index=pd.Index(user_ids))
    rows = rows.assign(segment=segment_of.reindex(rows["user_id"]).to_numpy()).dropna(subset=["segment"])
    scored = rows.groupby("segment")["review_id"].nunique()
    negative = rows.dropna(subset=["aspect"]).groupby(["segment", "aspect"])["review_id"].nunique()
    found: dict[int, list[Complaint]] = {}
    for segment, total in scored.items():
        counts = negative.get(segment, pd.Series(dtype=int)).sort_values(ascending=False, kind="stable")
        found[int(segment)] = [
            Complaint(str(aspect).replace("_", " / "), int(n), n / total, "aspect")
            for aspect, n in counts.head(top).items()
        ]
    return found


def _has_aspects(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(queries.one(con, "review_aspect_count").get("count_aspects"))


def phrase_complaints(
    con: duckdb.DuckDBPyConnection, user_ids: np.ndarray, labels: np.ndarray, top: int = 3, seed: int = 0
) -> dict[int, list[Complaint]]:
    """Up to ``top`` complaint phrases per segment (segments without low-rated reviews get none).

    Input: ``sql/complaint_reviews.sql`` (user_id, rating, text); ``user_ids``/``labels`` give each
    user's segment.
    """
    reviews = queries.frame(con, "complaint_reviews")
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
    complaint = np.intersect1d(_complaint_terms(counts, negative, positive), _content_terms(counts, terms))
    segments = reviews["segment"].to_numpy()
    found = {}
    for segment in np.unique(segments[negative]):
        rows = np.flatnonzero(negative & (segments == segment))
        mentions = np.asarray(counts[rows][:, complaint].sum(axis=0)).ravel()
        found[int(segment)] = [
            Complaint(term, count, count / len(rows)) for term, count in _distinct_top(terms[complaint], mentions, top)
        ]
    return found


def _content_terms(counts, terms: np.ndarray) -> np.ndarray:
    """Column indices of terms that are not function words: a word found in more than
    ``FUNCTION_WORD_SHARE`` of all reviews carries grammar, not a complaint; a phrase counts
    when one of its words is not such a word ("not worth" stays, "for the" goes). Below
    ``MIN_REVIEWS_FOR_FUNCTION_WORDS`` reviews every word is frequent, so none is excluded."""
    if counts.shape[0] < MIN_REVIEWS_FOR_FUNCTION_WORDS:
        return np.arange(len(terms))
    share = np.asarray(counts.sum(axis=0)).ravel() / counts.shape[0]
    function_words = {t for t, s in zip(terms, share, strict=True) if " " not in t and s > FUNCTION_WORD_SHARE}
    return np.flatnonzero([any(w not in function_words for w in t.split()) for t in terms])


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
    share_neg, share_pos = in_neg / n_neg, in_pos / n_pos
    z = np.divide(share_neg - share_pos, spread, out=np.zeros_like(spread), where=spread > 0)
    return np.flatnonzero((z >= MIN_Z) & (share_neg >= MIN_LIFT * share_pos))
