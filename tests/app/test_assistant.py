"""The Assistant page on the small demo shop: ask about a product, ask for advice, what customers ask."""

from analytics.trust.access import Actor, Role
from dashboard.components.frame import PAGES


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


def test_what_customers_ask_lists_questions_by_category(demo_app):
    at = demo_app("assistant")
    at.run()
    questions = at.dataframe[0].value
    assert {"category", "question", "times_asked", "products"} <= set(questions.columns)
    assert "how long is the warranty?" in set(questions["question"])
