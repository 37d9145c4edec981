"""Widgets of the Assistant page: the product picker, an answer with its evidence, advice cards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.assistant import asks
from analytics.assistant.advice import advise, read_catalog
from analytics.assistant.answers import Answer, Assistant
from analytics.assistant.knowledge import product_knowledge
from analytics.assistant.vectors import stored_vectors
from analytics.commands.answer_questions import argv_for
from analytics.trust.access import Actor
from analytics.trust.privacy import mask_pii
from dashboard.components import data, jobs, trust
from models.settings import Settings

VERDICT_BADGES = {
    "yes": ":green-badge[Yes]",
    "no": ":red-badge[No]",
    "unsure": ":orange-badge[Answered, no yes or no]",
    "unknown": ":gray-badge[The catalog does not say]",
}
SOURCE_COLOURS = {
    "review": "violet",
    "qa": "blue",
    "description": "green",
    "bullet": "green",
    "attribute": "orange",
    "title": "gray",
}
SOURCE_LABELS = {"qa": "earlier answer"}


@st.cache_resource(max_entries=2, show_spinner=False)
def assistant(model: str, device: str, _settings: Settings) -> Assistant:
    """The sentence encoder and reranker, loaded once per server for (model, device) and shared
    by every session (a few seconds on CPU). ``_settings`` holds the same model and device."""
    return Assistant(_settings).load()


def pick_product() -> str | None:
    """A searchable picker over the products with knowledge; None when there are none."""
    products = data.query("assistant_products_to_ask")
    if products.empty:
        st.info("No product has a description, attributes, earlier Q&A or reviews yet.")
        return None
    labels = dict(zip(products["product_id"], products["title"], strict=True))
    return st.selectbox(
        "Product",
        list(labels),
        format_func=lambda p: f"{labels[p]} ({p})",
        key="assistant_product",
        help="Type to search by title or id.",
    )


def answer(settings: Settings, product_id: str, question: str) -> Answer:
    """The assistant's answer, the product's knowledge and stored vectors read from the snapshot."""
    con = data.cursor()
    knowledge = product_knowledge(con, product_id)
    stored = stored_vectors(con, product_id, settings.embedding_model)
    helper = assistant(settings.embedding_model, settings.device, settings)
    return helper.answer(product_id, question, knowledge, stored)


def answer_and_log(settings: Settings, product_id: str, question: str, asker: str) -> Answer:
    """Answer, then keep the question (masked) with its answer and the customer, when given, for
    the question log (moved into the warehouse by the next ``answer-questions`` job)."""
    customer = asks.check_asker(data.cursor(), asker)
    result = answer(settings, product_id, question)
    asks.record_asked(settings, product_id, question, "page", customer, result)
    return result


def show_answer(result: Answer) -> None:
    """The verdict badge, the answer, its confidence and the evidence with source badges."""
    st.markdown(f"{VERDICT_BADGES[result.verdict]} &nbsp; confidence {result.confidence:.0%}")
    st.markdown(f"> {mask_pii(result.answer)}")
    st.markdown("**Evidence**, best first")
    for e in result.evidence:
        colour = SOURCE_COLOURS.get(e.source, "gray")
        label = SOURCE_LABELS.get(e.source, e.source)
        st.markdown(f":{colour}-badge[{label}] {_escape(e.text[:400])}")


def advice(settings: Settings, need: str, user_id: str | None, limit: int = 5) -> pd.DataFrame:
    """The advice as a table: product, price, reason (the reason quotes masked text)."""
    catalog = read_catalog(data.cursor(), settings.embedding_model, user_id)
    helper = assistant(settings.embedding_model, settings.device, settings)
    suggestions = advise(need, catalog, helper.embedder, limit)
    return pd.DataFrame(
        [
            {"Product": s.title, "Id": s.product_id, "Price": s.price, "Match": s.relevance, "Why": s.reason}
            for s in suggestions
        ]
    )


def _escape(text: str) -> str:
    """Markdown-safe text: evidence is written by strangers and must not format the page."""
    return "".join("\\" + c if c in "\\`*_[]{}<>#|~$" else c for c in text)


# -- What customers ask ------------------------------------------------------------------------
ASKS_COLUMNS = {
    "questions": "Questions",
    "askers": "Customers",
    "answered": "Answered",
    "unanswerable": "Catalog cannot answer",
    "share_unanswerable": "Share cannot answer",
}


def show_customer_asks(settings: Settings, who: Actor) -> None:
    """Questions by topic per category and per segment, the share the catalog cannot answer, and
    the products with the most questions it cannot answer, each with its questions."""
    limit = settings.min_group_size
    view = data.cached(asks.customer_asks, limit)
    _answer_new_questions(settings, who)
    if not view.logged:
        st.info("This snapshot has no question log yet: run `python -m analytics answer-questions`.")
        return
    st.caption(
        "Every customer question the shop knows (earlier Q&A and questions asked through the assistant), "
        'by topic. "Cannot answer": the assistant\'s verdict was that nothing the catalog says about the '
        "product answers it (earlier Q&A is answered without its own answer)."
    )
    st.subheader("By category and topic")
    _asks_table(view.by_category, ["category", "topic"], "assistant_asks_category")
    if view.hidden_categories:
        st.caption(f"{view.hidden_categories} category x topic cell(s) with fewer than {limit} questions hidden.")
    st.subheader("By segment and topic")
    if view.by_segment.empty and not view.hidden_segments:
        st.info("No question of a customer in the latest segmentation yet.")
    else:
        _asks_table(view.by_segment, ["segment", "topic"], "assistant_asks_segment")
    if view.hidden_segments:
        st.caption(f"{view.hidden_segments} segment x topic cell(s) with fewer than {limit} distinct askers hidden.")
    st.subheader("Content gaps: products whose descriptions miss answers")
    _gap_products(view.gap_products)


def _asks_table(frame: pd.DataFrame, keys: list[str], key: str) -> None:
    if frame.empty:
        st.info("No group is large enough to show yet.")
        return
    table = frame[[*keys, *ASKS_COLUMNS]].rename(columns=ASKS_COLUMNS | {k: k.capitalize() for k in keys})
    trust.show_table(
        table,
        key=key,
        mask=[k.capitalize() for k in keys],
        column_config={"Share cannot answer": st.column_config.NumberColumn(format="percent")},
    )


def _gap_products(gaps: pd.DataFrame) -> None:
    if gaps.empty:
        st.info("No question has been found unanswerable yet (or none is answered: see Answered above).")
        return
    st.caption(
        "The products with the most questions the catalog cannot answer: what to add to their descriptions, "
        "each with its unanswered questions, most asked first."
    )
    for (product_id, title), rows in gaps.groupby(["product_id", "title"], sort=False):
        first = rows.iloc[0]
        label = f"{title} ({product_id}): {first['unanswerable']} of {first['questions']} questions unanswered"
        with st.expander(label):
            st.caption(f"{first['category']}; topics: {first['topics']}")
            trust.show_table(
                rows[["question", "times_asked"]].rename(columns={"question": "Question", "times_asked": "Asked"}),
                key=f"assistant_gap_{product_id}",
                mask=["Question"],
            )


def _answer_new_questions(settings: Settings, who: Actor) -> None:
    """How many asked questions wait for the next job, and (marketers) the button that runs it."""
    waiting = asks.waiting(settings)
    if waiting:
        st.caption(f"{waiting} question(s) asked through the assistant wait for the next `answer-questions` run.")
    if who.can("run_model_job") and st.button("Run answer-questions", key="assistant_answer_questions"):
        job_id = jobs.start_job(who, "run_model_job", "answer_questions", argv_for(), {})
        st.success(f"Answering new questions as job {job_id}; the view updates when it is done.")
