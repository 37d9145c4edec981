"""What the Reviews page reads (analytics.reviews.views), on a small in-memory warehouse, without streamlit."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics.core.filters import Filters
from analytics.reviews import views

MODEL = "org/review-model"
ALL_DATES = Filters(date(2024, 3, 1), date(2024, 3, 31))


@pytest.fixture
def reviewed(con):
    """6 reviews: 4 on acme's dress (two negative, one of them 5 stars), 2 on zenith's shoes."""
    products = pd.DataFrame(
        {
            "product_id": ["p1", "p2"],
            "title": ["Linen dress", "Trail runner"],
            "category": ["apparel.dresses", "shoes.sneakers"],
            "brand": ["acme", "zenith"],
            "price": [80.0, 120.0],
        }
    )
    scores = [0.8, -0.6, -0.7, 0.4, 0.9, 0.5]
    ratings = [5, 2, 5, 4, 5, 4]
    reviews = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(6)],
            "user_id": [f"u{i}" for i in range(6)],
            "product_id": ["p1"] * 4 + ["p2"] * 2,
            "rating": ratings,
            "text": ["Runs small."] * 4 + ["Fast delivery."] * 2,
            "created_at": [datetime(2024, 3, 4) + timedelta(days=7 * (i % 2)) for i in range(6)],
        }
    )
    sentiment = pd.DataFrame(
        {
            "review_id": reviews["review_id"],
            "model": MODEL,
            "model_version": "hub",
            "score": scores,
            "label": ["positive" if s > 0 else "negative" for s in scores],
            "chunks": 1,
            "scored_at": datetime(2024, 4, 1),
        }
    )
    aspects = pd.DataFrame(
        {
            "review_id": reviews["review_id"],
            "model": MODEL,
            "aspect": ["size_fit"] * 4 + ["delivery"] * 2,
            "similarity": 0.7,
            "score": scores,
            "label": sentiment["label"],
            "embedding_model": "minilm",
        }
    )
    for name, frame in (("products", products), ("reviews", reviews), ("review_sentiment", sentiment)):
        con.register("incoming", frame)
        con.execute(f"insert into {name} by name select * from incoming")
        con.unregister("incoming")
    con.register("incoming", aspects)
    con.execute("insert into review_aspects by name select * from incoming")
    con.unregister("incoming")
    return con


def test_period_spans_every_review(reviewed):
    assert views.period(reviewed) == Filters(date(2024, 3, 4), date(2024, 3, 11))


def test_period_of_an_empty_warehouse_is_none(con):
    assert views.period(con) is None


def test_summary_counts_scored_reviews_in_the_filters(reviewed):
    assert views.scored_models(reviewed) == [MODEL]
    summary = views.summary(reviewed, ALL_DATES, MODEL)
    assert (summary["count_reviews"], summary["count_reviewers"]) == (6, 6)
    assert summary["share_negative"] == pytest.approx(2 / 6)
    shoes = views.summary(reviewed, Filters(date(2024, 3, 1), date(2024, 3, 31), categories=("shoes",)), MODEL)
    assert shoes["count_reviews"] == 2 and shoes["share_negative"] == 0


def test_trend_is_weekly(reviewed):
    weeks = views.trend(reviewed, ALL_DATES, MODEL)
    assert [d.isoformat() for d in pd.to_datetime(weeks["week_start"]).dt.date] == ["2024-03-04", "2024-03-11"]
    assert weeks["count_reviews"].tolist() == [3, 3]


def test_breakdown_and_its_display_table(reviewed):
    groups = views.breakdown(reviewed, ALL_DATES, MODEL, "brand").set_index("group_name")
    assert groups.loc["acme", "count_reviews"] == 4 and groups.loc["acme", "share_negative"] == pytest.approx(0.5)
    table = views.breakdown_table(groups.reset_index(), "brand")
    assert {"Brand", "Reviews", "Reviewers", "Average sentiment", "Negative share"} <= set(table.columns)


def test_an_unknown_dimension_is_refused_with_the_valid_ones(reviewed):
    with pytest.raises(ValueError, match="'colour' is not one of category, brand, product, segment"):
        views.breakdown(reviewed, ALL_DATES, MODEL, "colour")


def test_segment_dimension_needs_a_complete_segmentation_run(reviewed):
    assert views.dimensions(reviewed) == ["category", "brand", "product"]


def test_aspect_mentions_in_long_form_keep_the_row_order(reviewed):
    aspects = views.aspects(reviewed, ALL_DATES, MODEL)
    assert aspects["aspect"].tolist() == ["size_fit", "delivery"]  # most complaints first
    long = views.aspect_mentions(aspects)
    size = long[long["aspect"] == "Size / fit"].set_index("label")["mentions"]
    assert size.to_dict() == {"negative": 2, "neutral": 0, "positive": 2}
    assert long["aspect"].unique().tolist() == ["Size / fit", "Delivery"]


def test_examples_come_from_the_given_groups_strongest_first(reviewed):
    examples = views.examples(reviewed, ALL_DATES, MODEL, "brand", ("acme",), label="negative")
    assert examples["Sentiment"].tolist() == [-0.7, -0.6]
    assert set(examples["Product"]) == {"Linen dress"} and "Read as" in examples.columns
    assert views.examples(reviewed, ALL_DATES, MODEL, "brand", ("acme",), aspect="delivery").empty


def test_mismatches_list_reviews_whose_words_contradict_their_stars(reviewed):
    mismatches = views.mismatches(reviewed, ALL_DATES, MODEL)
    assert mismatches["Stars"].tolist() == [5] and mismatches["Mismatch"].tolist() == ["stars high, words negative"]


def test_training_blockers_from_rated_counts(reviewed):
    counts = views.rated_counts(reviewed)
    assert (counts["count_positive"], counts["count_negative"], counts["count_products"]) == (5, 1, 2)
    assert views.training_blockers(counts)[0] == "1 reviews rated 1-2 stars with text (needs 20)"
    assert views.trained_models(reviewed).empty


def test_job_progress_reads_the_newest_model_job():
    jobs = pd.DataFrame(
        {
            "job_id": [9, 8, 7],
            "kind": ["import", "train_sentiment", "sentiment"],
            "status": ["running", "running", "done"],
            "progress_done": [5, 30, 10],
            "progress_total": [10, 120, float("nan")],
            "message": ["rows", "epoch 1", "scored"],
        }
    )
    assert views.job_progress(jobs) == (0.25, "train sentiment job #8 running: epoch 1")
    share, _ = views.job_progress(jobs.iloc[[0, 2]])
    assert share == 0.0  # no total known yet
    assert views.job_progress(jobs.iloc[[0]]) is None
