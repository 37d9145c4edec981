"""The Assistant page in a real browser: a demo product's question answered with its evidence."""

import pytest

from analytics.core import queries, warehouse
from tests.e2e.conftest import READY, running_server, screenshot

# A hang guard, not a latency target: the first question loads the sentence encoder on a shared CPU.
HANG_GUARD_MS = 300_000

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_settings, tmp_path_factory):
    with running_server(demo_settings.db_path, tmp_path_factory.mktemp("assistant-server")) as running:
        yield running


def _first_product_question(settings) -> tuple[str, str]:
    """The yes/no question customers asked about the picker's first product, and its answer."""
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        first = queries.frame(con, "assistant_products_to_ask")["product_id"].iloc[0]
        asked = con.execute(
            "select question, answer from product_qa where product_id = ? and question not like 'How long%'", [first]
        ).fetchone()
    finally:
        con.close()
    return asked


def test_a_question_is_answered_with_sourced_evidence(server, page, demo_settings):
    question, answer = _first_product_question(demo_settings)
    page.goto(f"{server.url}/assistant", timeout=HANG_GUARD_MS)
    page.wait_for_selector(READY, timeout=HANG_GUARD_MS)
    page.get_by_label("Question").fill(question)
    page.get_by_role("button", name="Answer").click()
    page.get_by_text("Evidence", exact=False).first.wait_for(timeout=HANG_GUARD_MS)
    page.wait_for_selector(READY, timeout=HANG_GUARD_MS)
    screenshot(page, "assistant_answer")
    body = page.inner_text("body")
    assert "Traceback" not in body and page.get_by_test_id("stException").count() == 0, server.output()
    assert "confidence" in body and ("earlier answer" in body or "attribute" in body or "description" in body)
    assert ("Yes" if answer.startswith("Yes") else "No") in body


def test_what_customers_ask_shows_its_tables_in_the_browser(server, page):
    page.goto(f"{server.url}/assistant", timeout=HANG_GUARD_MS)
    page.wait_for_selector(READY, timeout=HANG_GUARD_MS)
    page.get_by_role("tab", name="What customers ask").click()
    page.get_by_text("By category and topic").wait_for(timeout=HANG_GUARD_MS)
    screenshot(page, "assistant_asks")
    body = page.inner_text("body")
    assert "Traceback" not in body and page.get_by_test_id("stException").count() == 0, server.output()
    assert "By segment and topic" in body and "Content gaps" in body
