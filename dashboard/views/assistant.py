"""Assistant: answers to product questions from the shop's own catalog, shopping advice, and what customers ask."""

import streamlit as st

from analytics.assistant.advice import UnknownUserError
from analytics.assistant.answers import QuestionError
from dashboard.components import assistant as widgets
from dashboard.components import data, trust
from dashboard.components.context import settings

who = trust.gate("view_charts")  # every role may ask: answers quote only what the catalog publishes
st.title("Assistant")
st.caption(
    "Answers from the shop's own descriptions, attributes, earlier Q&A and reviews, with their sources; "
    "when they do not answer, it says so."
)
data.require_warehouse()
run_settings = settings()
ask, shop, asked = st.tabs(["Ask about a product", "Shopping advice", "What customers ask"])

with ask:
    product_id = widgets.pick_product()
    question = st.text_input("Question", placeholder="Is it waterproof?", key="assistant_question")
    asker = st.text_input(
        "Customer id (optional)",
        key="assistant_asker",
        help='Kept with the question for "What customers ask"; an unknown id is refused.',
    )
    if product_id and st.button("Answer", key="assistant_answer", type="primary"):
        try:
            with st.spinner("Reading the product's knowledge ..."):
                widgets.show_answer(widgets.answer_and_log(run_settings, product_id, question, asker))
        except (QuestionError, UnknownUserError) as exc:
            st.error(str(exc))

with shop:
    need = st.text_input("What is the shopper looking for?", placeholder="a quiet coffee machine", key="assistant_need")
    user_id = st.text_input("For user (optional: their history and segment reorder the list)", key="assistant_user")
    if st.button("Suggest", key="assistant_suggest", type="primary"):
        try:
            with st.spinner("Searching the catalog ..."):
                table = widgets.advice(run_settings, need, user_id.strip() or None)
        except (QuestionError, UnknownUserError) as exc:
            st.error(str(exc))
        else:
            if table.empty:
                st.info("Nothing in the catalog matches this need closely enough.")
            else:
                trust.show_table(table, key="assistant_advice_table", mask=["Why"])

with asked:
    widgets.show_customer_asks(run_settings, who)
