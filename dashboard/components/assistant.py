"""Widgets of the Assistant page: the product picker, an answer with its evidence, advice cards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.assistant.advice import advise, read_catalog
from analytics.assistant.answers import Answer, Assistant
from analytics.assistant.knowledge import product_knowledge
from analytics.assistant.vectors import stored_vectors
from analytics.trust.privacy import mask_pii
from dashboard.components import data
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
