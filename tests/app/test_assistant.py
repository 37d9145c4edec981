"""The Assistant page on the small demo shop: ask about a product, ask for advice, what customers ask."""

import pytest

from analytics.core import jobs
from analytics.trust.access import Actor, Role
from dashboard.components.frame import PAGES
from tests.app.conftest import make_app
from tests.conftest import build_segmented


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_viewer_may_open_the_assistant():
    spec = next(s for s in PAGES if s.file == "assistant.py")
    assert Actor("manager", Role.VIEWER).can(spec.action)


def test_ask_about_a_demo_product_shows_verdict_answer_and_sourced_evidence(demo_app, demo_con):
    product_id, question, answer = demo_con.execute(
        "select product_id, question, answer from product_qa where question not like 'How long%' "
        "order by product_id limit 1"
    ).fetchone()
    at = demo_app("assistant")
    at.run()
    assert not at.exception
    at.selectbox(key="assistant_product").set_value(product_id)
    at.text_input(key="assistant_question").input(question)
    at.button(key="assistant_answer").click().run()
    assert not at.exception
    shown = _markdown(at)
    assert (":green-badge[Yes]" if answer.startswith("Yes") else ":red-badge[No]") in shown
    assert ":blue-badge[earlier answer]" in shown or ":orange-badge[attribute]" in shown


def test_advice_lists_matching_products_with_a_reason(demo_app):
    at = demo_app("assistant")
    at.run()
    at.text_input(key="assistant_need").input("I want a new laptop")
    at.button(key="assistant_suggest").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 5 and table["Why"].str.len().min() > 0
    assert table["Product"].str.contains("Laptop").iloc[0]


def test_an_unknown_user_is_refused_by_name(demo_app):
    at = demo_app("assistant")
    at.run()
    at.text_input(key="assistant_need").input("a laptop")
    at.text_input(key="assistant_user").input("nobody-here")
    at.button(key="assistant_suggest").click().run()
    assert not at.exception
    assert "user 'nobody-here' is not in the shop" in at.error[0].value


@pytest.fixture(scope="module")
def asked_shop(tmp_path_factory):
    """The 20k-event demo with segments and its customers' questions answered (the demo's flow)."""
    from analytics.assistant.answers import Assistant
    from analytics.assistant.asks import answer_questions

    shop = build_segmented(tmp_path_factory.mktemp("asked") / "warehouse.duckdb")
    done = jobs.run_job(
        shop,
        "answer_questions",
        lambda ctx: answer_questions(ctx, limit=150),
        prepare=lambda ctx: Assistant(shop).load(),
    )
    assert done.status == "done", done.error
    return shop


def _table_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_what_customers_ask_by_category_and_segment_with_the_share_unanswerable(asked_shop):
    at = make_app(asked_shop, "assistant", min_group_size=3)
    at.run()
    assert not at.exception
    categories = _table_with(at, "Category")
    assert {"Topic", "Questions", "Customers", "Answered", "Share cannot answer"} <= set(categories.columns)
    assert categories["Questions"].min() >= 3
    segments = _table_with(at, "Segment")
    assert segments["Customers"].min() >= 3 and segments["Share cannot answer"].between(0, 1).all()
    products = [e.label for e in at.expander]
    assert products and all("questions unanswered" in label for label in products)


def test_a_viewer_sees_what_customers_ask_without_the_job_button_and_small_groups_hidden(asked_shop):
    at = make_app(asked_shop, "assistant", demo_mode=False)
    at.user = {"is_logged_in": True, "email": "viewer@shop.test"}
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "segment x topic cell(s) with fewer than 20 distinct askers hidden" in captions
    assert not [b for b in at.button if b.key == "assistant_answer_questions"]


def test_a_question_asked_on_the_page_waits_for_the_job_with_its_customer(demo_app, demo_settings, demo_con):
    from analytics.assistant import asks

    product_id, user_id = demo_con.execute(
        "select product_id, user_id from events where event_type = 'view' order by event_time limit 1"
    ).fetchone()
    before = asks.waiting(demo_settings)
    at = demo_app("assistant")
    at.run()
    at.selectbox(key="assistant_product").set_value(product_id)
    at.text_input(key="assistant_question").input("Is it heavy? write to ann@example.com")
    at.text_input(key="assistant_asker").input(user_id)
    at.button(key="assistant_answer").click().run()
    assert not at.exception
    assert asks.waiting(demo_settings) == before + 1
    at.text_input(key="assistant_asker").input("nobody-here")
    at.button(key="assistant_answer").click().run()
    assert "user 'nobody-here' is not in the shop" in at.error[0].value
    assert asks.waiting(demo_settings) == before + 1
