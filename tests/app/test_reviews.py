"""The Reviews page on a small published warehouse whose scores are known, so figures can be asserted."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pandas as pd
import pytest

from analytics.core import jobs
from models.settings import Settings
from tests.app.conftest import make_app
from tests.models.conftest import plain_classifier_dir  # noqa: F401 - fixture

MODEL = "org/review-model"  # a hub id: the page only reads its scores (no model is loaded)
START = datetime(2024, 3, 4)

# 4 products; brand "tiny" has 3 reviewers only (below the minimum group size of 20).
PRODUCTS = pd.DataFrame(
    {
        "product_id": ["p1", "p2", "p3", "p4"],
        "title": ["Linen dress", "Silk top", "Trail runner", "Odd sock"],
        "category": ["apparel.dresses", "apparel.tops", "shoes.sneakers", "apparel.socks"],
        "brand": ["acme", "acme", "zenith", "tiny"],
        "price": [80.0, 40.0, 120.0, 5.0],
    }
)


def _reviews() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """63 reviews by 63 users: 30 on acme (p1/p2), 30 on zenith (p3), 3 on tiny (p4).

    Scores: acme reviews alternate +0.8 / -0.6 (15 negative; a1 +0.95); zenith all +0.5; tiny -0.9.
    Review a0 (5 stars, read as negative) is the one stars-vs-words mismatch; a1 holds an email.
    """
    rows, scores, aspects = [], [], []
    for i in range(63):
        product = "p1" if i < 15 else "p2" if i < 30 else "p3" if i < 60 else "p4"
        score = (0.8 if i % 2 else -0.6) if i < 30 else 0.5 if i < 60 else -0.9
        score = 0.95 if i == 1 else score
        rating = 5 if score > 0 or i == 0 else 2
        text = "Runs small, order a size up." if i < 30 else "Fast delivery, comfy shoes."
        if i == 1:
            text = "Fits well, write to me at jane.doe@example.com for photos."
        rows.append(
            {
                "review_id": f"a{i}",
                "user_id": f"u{i}",
                "product_id": product,
                "rating": rating,
                "title": None,
                "text": text,
                "created_at": START + timedelta(days=i % 21),
            }
        )
        scores.append(
            {
                "review_id": f"a{i}",
                "model": MODEL,
                "model_version": "hub",
                "score": score,
                "label": "positive" if score > 0 else "negative",
                "stars": None,
                "chunks": 1,
                "scored_at": datetime(2024, 4, 1),
            }
        )
        aspects.append(
            {
                "review_id": f"a{i}",
                "model": MODEL,
                "aspect": "size_fit" if i < 30 else "delivery",
                "similarity": 0.7,
                "score": score,
                "label": "positive" if score > 0 else "negative",
                "embedding_model": "minilm",
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(scores), pd.DataFrame(aspects)


def _publish(settings: Settings, scored: bool = True) -> None:
    reviews, scores, aspects = _reviews()
    users = pd.DataFrame({"user_id": [f"u{i}" for i in range(63)]})
    events = pd.DataFrame(
        {
            "event_time": [datetime(2024, 1, 1) + timedelta(days=d) for d in range(91)],
            "event_type": "view",
            "user_id": "u0",
            "product_id": "p1",
        }
    )

    def job(ctx):
        with ctx.batch():
            for name, frame in (("products", PRODUCTS), ("users", users), ("events", events), ("reviews", reviews)):
                ctx.con.register("incoming", frame)
                ctx.con.execute(f"insert into {name} by name select * from incoming")
                ctx.con.unregister("incoming")
            if scored:
                for name, frame in (("review_sentiment", scores), ("review_aspects", aspects)):
                    ctx.con.register("incoming", frame)
                    ctx.con.execute(f"insert into {name} by name select * from incoming")
                    ctx.con.unregister("incoming")
        return {}

    result = jobs.run_job(settings, "fixture", job)
    assert result.status == "done", result.error


@pytest.fixture(autouse=True)
def fresh_query_cache():
    # Query results are cached per snapshot number, and every test warehouse starts at snapshot 1.
    import streamlit as st

    st.cache_data.clear()


@pytest.fixture
def reviews_app(settings):
    _publish(settings)
    return lambda: make_app(settings, "reviews")


def _run_all_dates(at):
    at.run()
    at.date_input(key="flt_dates").set_value((datetime(2024, 1, 1).date(), datetime(2024, 3, 31).date())).run()
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _table(at, column):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_headline_figures_count_the_scored_reviews(reviews_app):
    at = _run_all_dates(reviews_app())
    assert not at.exception
    assert _metric(at, "Reviews scored") == "63"
    assert _metric(at, "Negative reviews") == f"{18 / 63:.0%}"  # 15 acme + 3 tiny


def test_category_filter_changes_the_figures(reviews_app):
    at = _run_all_dates(reviews_app())
    at.multiselect(key="flt_categories").set_value(["shoes"]).run()
    assert _metric(at, "Reviews scored") == "30"
    assert _metric(at, "Negative reviews") == "0%"


def test_breakdown_switches_dimension_and_hides_small_groups(reviews_app):
    at = _run_all_dates(reviews_app())
    assert set(_table(at, "Category")["Category"]) == {"apparel", "shoes"}
    at.radio(key="reviews_by").set_value("brand").run()
    brands = _table(at, "Brand")
    assert set(brands["Brand"]) == {"acme", "zenith"}  # tiny: 3 reviewers, hidden
    assert brands.set_index("Brand").loc["acme", "Negative share"] == pytest.approx(0.5)
    assert any("1 group(s) under 20 reviewers hidden" in c.value for c in at.caption)


def test_examples_behind_a_bar_are_masked(reviews_app):
    at = _run_all_dates(reviews_app())
    at.radio(key="reviews_by").set_value("brand").run()
    at.selectbox(key="reviews_example_group").set_value("acme").run()
    at.selectbox(key="reviews_example_label").set_value("positive").run()
    examples = _table(at, "Text")
    assert len(examples) == 10 and set(examples["Read as"]) == {"positive"}
    assert examples["Text"].str.contains("[email]", regex=False).any()
    assert not examples["Text"].str.contains("jane.doe").any()


def test_examples_come_only_from_groups_that_are_shown(reviews_app):
    at = _run_all_dates(reviews_app())
    at.radio(key="reviews_by").set_value("brand").run()
    at.selectbox(key="reviews_example_aspect").set_value("delivery").run()
    # tiny's reviews also mention delivery, and score stronger, but tiny is below the minimum group size.
    assert set(_table(at, "Text")["Product"]) == {"Trail runner"}


def test_stars_and_words_mismatch_is_listed(reviews_app):
    at = _run_all_dates(reviews_app())
    mismatches = _table(at, "Mismatch")
    assert mismatches["Stars"].tolist() == [5] and mismatches["Mismatch"].iloc[0] == "stars high, words negative"


def test_default_date_window_with_too_few_reviewers_says_so(reviews_app):
    at = reviews_app().run()  # the last 28 days of events (March 4-31) hold every review: 63 reviewers
    assert _metric(at, "Reviews scored") == "63"
    at.date_input(key="flt_dates").set_value((datetime(2024, 3, 4).date(), datetime(2024, 3, 4).date())).run()
    assert any("figures are shown from 20" in i.value for i in at.info)


def test_unscored_warehouse_offers_scoring_and_explains_training(settings):
    _publish(settings, scored=False)
    at = make_app(settings, "reviews").run()
    assert not at.exception
    assert "No review has been scored yet" in at.info[0].value
    assert at.button(key="reviews_train").disabled  # 46 positive, 17 negative reviews: too few negative
    assert "17 reviews rated 1-2 stars with text (needs 20)" in " ".join(c.value for c in at.caption)


@pytest.mark.slow
def test_score_button_runs_a_real_scoring_job(settings, plain_classifier_dir):  # noqa: F811
    _publish(settings, scored=False)
    at = make_app(settings, "reviews", sentiment_model=plain_classifier_dir).run()
    at.button(key="reviews_score").click().run()
    job = jobs.list_jobs(settings, 1)[0]
    assert (job["kind"], job["actor"]) == ("sentiment", "demo")
    deadline = time.monotonic() + 240
    while jobs.get_job(settings, job["job_id"])["status"] in jobs.ACTIVE and time.monotonic() < deadline:
        time.sleep(1)
    finished = jobs.get_job(settings, job["job_id"])
    assert finished["status"] == "done", finished["error"]
    at = _run_all_dates(make_app(settings, "reviews", sentiment_model=plain_classifier_dir))
    assert _metric(at, "Reviews scored") == "63"
