"""The scorers with the real offline models: signs on clear reviews, chunking of long reviews."""

import pytest

from models.sentiment import ClassifierScorer, make_scorer
from models.settings import PACKAGED_SMOLLM2, Settings
from tests.conftest import shared_sample

pytestmark = pytest.mark.slow

CLEAR_POSITIVE = [
    "I love this dress, it fits perfectly and the fabric is beautiful.",
    "Great shoes! Comfortable from the first day and they look amazing.",
]
CLEAR_NEGATIVE = [
    "Terrible quality. It fell apart after one wash and I want my money back.",
    "Very disappointed, the zipper broke the first time I wore it. Returned.",
]
FILLER = "I ordered this jacket in navy for the autumn and wore it to work on Monday. " * 30


def test_lm_gives_clear_reviews_the_right_sign(lm_scorer):
    scores = lm_scorer.predict(CLEAR_POSITIVE + CLEAR_NEGATIVE)
    assert [s.score > 0 for s in scores] == [True, True, False, False]
    assert [s.label for s in scores] == ["positive", "positive", "negative", "negative"]
    assert all(-1 <= s.score <= 1 and s.stars is None and s.chunks == 1 for s in scores)


def test_lm_gets_real_one_and_five_star_reviews_right(lm_scorer):
    import duckdb

    path = shared_sample("womens_clothing_reviews/womens_clothing_reviews_first1000.csv.gz")
    rows = duckdb.sql(
        'select Rating, Title || chr(10) || "Review Text" from read_csv_auto($path) '
        "where column00 in (161, 852, 299, 88)",
        params={"path": str(path)},
    ).fetchall()
    scores = lm_scorer.predict([text for _, text in rows])
    assert [s.score > 0 for s in scores] == [rating >= 4 for rating, _ in rows]


def test_lm_scores_a_long_review_in_chunks_and_reads_its_end(lm_scorer):
    ending = " Sadly it ripped at the seams after two days, terrible quality, I hate it and want a refund."
    filler_only, with_ending = lm_scorer.predict([FILLER, FILLER + ending])
    assert with_ending.chunks >= 2  # longer than one 384-token window: every window is scored
    assert with_ending.score < filler_only.score - 0.1  # the complaint at the end was read, not cut off


def test_batch_size_does_not_change_scores(lm_scorer):
    texts = CLEAR_POSITIVE + CLEAR_NEGATIVE + ["ok", FILLER]
    one = [s.score for s in lm_scorer.predict(texts, batch_size=1)]
    many = [s.score for s in lm_scorer.predict(texts, batch_size=8)]
    assert many == pytest.approx(one, abs=1e-4)


def test_empty_text_is_refused(lm_scorer):
    with pytest.raises(ValueError, match="text 1 is empty"):
        lm_scorer.predict(["fine", "  "])


def test_make_scorer_picks_the_kind_from_the_model(plain_classifier_dir):
    assert type(make_scorer(Settings(), PACKAGED_SMOLLM2)).__name__ == "ZeroShotLMScorer"
    assert type(make_scorer(Settings(), plain_classifier_dir)).__name__ == "ClassifierScorer"


def test_classifier_chunks_long_reviews(plain_classifier_dir):
    scorer = ClassifierScorer(Settings(), plain_classifier_dir).load()
    short, long = scorer.predict(["Nice.", FILLER * 2])
    assert short.chunks == 1 and long.chunks >= 2
    assert -1 <= long.score <= 1 and long.label in ("negative", "neutral", "positive")
