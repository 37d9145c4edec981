"""Reading one product's knowledge from the warehouse, and checking that it can be asked about."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.assistant.attributes import readable_attribute
from analytics.core import queries

# The importer's reading of an ePQA / hetPQA ``source`` value (analytics/ingest/product_qa.py).
KIND_OF_SOURCE = {
    "review": "review",
    "attribute": "attribute",
    "cqa": "qa",
    "description": "description",
    "desc": "description",
    "osp": "description",
    "bullet": "bullet",
}


class UnknownProductError(LookupError):
    """The product is not in the catalog, or nothing is known about it; the message says which."""


def product_knowledge(con: duckdb.DuckDBPyConnection, product_id: str) -> pd.DataFrame:
    """``kind, text, ref`` rows of everything the assistant may cite about ``product_id``.

    Raises UnknownProductError when the product is unknown or has no documents, Q&A or reviews.
    """
    found = queries.one(con, "assistant_product_exists", {"product_id": product_id})
    if not found or not found["found"]:
        raise UnknownProductError(f"product '{product_id}' is not in the catalog")
    knowledge = queries.frame(con, "assistant_product_knowledge", {"product_id": product_id})
    if knowledge.empty:
        raise UnknownProductError(
            f"product '{product_id}' has no description, attributes, earlier Q&A or reviews to answer from "
            "(import them with `import FILE --format product_qa`)"
        )
    return knowledge


def evidence_text(source: str, candidate: str) -> tuple[str, str]:
    """(kind, text) of one ePQA / hetPQA candidate as the importer stores it and
    ``product_knowledge`` returns it: attributes readable, an earlier answer with its question."""
    kind = KIND_OF_SOURCE[source.strip().lower()]
    text = candidate.strip()
    if kind == "attribute":
        return kind, readable_attribute(text)
    if kind == "qa" and " Question: " in text:
        answer, question = text.split(" Question: ", 1)
        return kind, f"{answer.strip()} (asked: {question.strip()})"
    return kind, text
