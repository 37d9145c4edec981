"""Planted emails and phone numbers never appear on any page, whatever the page shows."""

from __future__ import annotations

import pytest

from analytics.core import jobs
from dashboard.components.frame import PAGES
from models.settings import Settings
from tests.app.conftest import make_app

pytestmark = pytest.mark.slow

PLANTED = ["jane.doe.1987@example.com", "+1 415 555 0199", "0044 7700 900123", "leak-me@shop-test.io"]


@pytest.fixture(scope="module")
def planted_shop(tmp_path_factory) -> Settings:
    """A small demo shop where 40 recent reviews carry emails and phone numbers in title and text."""
    from analytics.demo import build_demo

    settings = Settings(db_path=tmp_path_factory.mktemp("pii") / "warehouse.duckdb")

    def build_and_plant(ctx):
        summary = build_demo(ctx, events=30_000, seed=11, replace=False)
        with ctx.batch():
            ctx.con.execute(
                """
                update reviews set
                    text = text || ' Contact me at ' || $a || ' or call ' || $b,
                    title = 'Call ' || $c || ' / ' || $d,
                    created_at = (select max(event_time) from events) - interval 2 day
                where review_id in (select review_id from reviews order by review_id limit 40)
                """,
                {"a": PLANTED[0], "b": PLANTED[1], "c": PLANTED[2], "d": PLANTED[3]},
            )
        return summary

    def score(ctx):
        from analytics.reviews.sentiment_job import score_reviews
        from models.aspects import AspectFinder, load_aspects
        from models.sentiment import make_scorer

        scorer = make_scorer(settings, settings.sentiment_model).load()
        finder = AspectFinder(settings, load_aspects(settings.aspects_file)).load()
        return score_reviews(ctx, scorer, aspects=finder)

    assert jobs.run_job(settings, "demo", build_and_plant).status == "done"
    assert jobs.run_job(settings, "sentiment", score).status == "done"
    return settings


def _everything_shown(at) -> str:
    parts = []
    for kind in (
        "markdown",
        "caption",
        "text",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "error",
        "success",
        "metric",
        "code",
        "json",
        "table",
    ):
        for element in getattr(at, kind, []):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for chart in at.get("plotly_chart"):
        parts.append(str(chart.proto))
    for element in at.get("expander"):
        parts.append(str(element.proto))
    return "\n".join(parts)


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_no_planted_pii_on_page(planted_shop, spec):
    # A low minimum group size so that small groups, and so the planted reviews, are on screen.
    at = make_app(planted_shop, spec.url_path, min_group_size=3)
    at.run()
    assert not at.exception, at.exception
    shown = _everything_shown(at)
    assert shown.strip(), "the page showed nothing to check"
    for secret in PLANTED:
        assert secret not in shown, f"{secret} shown on {spec.title}"
        assert secret.replace(" ", "") not in shown.replace(" ", "")


def test_planted_reviews_do_reach_the_reviews_page_masked(planted_shop):
    # Positive control: the planted reviews are on screen, so the test above checked something.
    at = make_app(planted_shop, "reviews", min_group_size=3)
    at.run()
    shown = _everything_shown(at)
    assert "[email]" in shown and "[phone]" in shown
