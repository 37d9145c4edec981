"""Product question-answering data shaped like ePQA / hetPQA (Amazon Science), as CSV.

One row per (question, candidate evidence). Only what the shop would know about the product is
imported: each candidate becomes a product document (description, bullet, readable attribute),
an earlier Q&A pair (``cqa``: the answer, with the earlier question after " Question: ") or a
review of its product (``ASIN``); ``title`` names the product. The question being asked and the
``label``, ``answer`` and ``confidence`` columns are evaluation data: they are read past and never
stored, so an evaluation on the same file cannot find its own answers in the warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from analytics.assistant.attributes import readable_attribute
from analytics.core import queries
from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

REQUIRED = ("ASIN", "candidate", "source")  # columns; an empty candidate cell is skipped
OPTIONAL = ("title", "qa_pair_id")
# The source column's values (ePQA's, and hetPQA's capitalised ones) and the kind each becomes.
SOURCES = {
    "review": "review",
    "attribute": "attribute",
    "cqa": "qa",
    "description": "description",
    "desc": "description",
    "osp": "description",  # hetPQA: on-site product text, the description as shown on the page
    "bullet": "bullet",
}
COLUMNS = [
    ("ASIN", "products.product_id, and the product of every row below"),
    ("title", "products.title, product_documents (kind title)"),
    ("candidate (source description, desc, osp, bullet)", "product_documents (kind description / bullet)"),
    ("candidate (source attribute)", "product_documents (kind attribute, made readable)"),
    ("candidate (source cqa)", "product_qa.answer and product_qa.question"),
    ("candidate (source review)", "reviews.text (English)"),
    ("qa_pair_id", "source_ref of each document, Q&A and review"),
    ("qid, question, label, answer, confidence", "not imported (evaluation data)"),
]


def checks() -> list[v.Check]:
    """The value checks: a product id, evidence text and a known source on every row."""
    known = v.Check(
        "source",
        f"one of {', '.join(SOURCES)} (any case)",
        "{v} is not null and not list_contains($sources, lower(trim({v})))",
        {"sources": list(SOURCES)},
    )
    return [
        v.required("ASIN"),
        v.required("source"),
        known,
        *v.text("ASIN", v.ID_CHARS),
        *v.text("candidate", v.TEXT_CHARS),
        *v.text("title", v.NAME_CHARS),
        *v.text("qa_pair_id", v.ID_CHARS),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load and check the CSV, then stage documents, Q&A, reviews and products (see the module doc)."""
    raw = staging.csv(sources[0], "raw_product_qa", required=REQUIRED, optional=OPTIONAL)
    staging.con.execute(queries.sql("product_qa_list_markers")).fetchall()
    staging.raise_problems(staging.check(raw, checks()))
    _stage_readable_attributes(staging)
    params = {"file": sources[0].name}
    staging.table("pqa_rows", "product_qa_rows", params)
    staging.insert("product_documents", "product_qa_documents")
    staging.insert("product_qa", "product_qa_answers")
    staging.insert("reviews", "product_qa_reviews")
    staging.insert("products", "product_qa_products")
    staging.note(
        "evaluation_columns_not_imported",
        ", ".join(c for c in ("qid", "question", "label", "answer", "confidence") if raw.has(c)),
    )
    empty = staging.count("raw_product_qa", "nullif(trim(candidate), '') is null")
    staging.note("empty_evidence_skipped", empty)
    staging.note("repeated_evidence_folded", raw.rows - empty - _stored_rows(staging))


def _stage_readable_attributes(staging: Staging) -> None:
    """``ingest_pqa_attributes(raw_text, readable)``: each distinct attribute string made readable
    by the parser in Python, joined back by the staging SQL."""
    raw_texts = [row[0] for row in queries.rows(staging.con, "product_qa_attribute_texts")]
    table = pa.table(
        {"raw_text": raw_texts, "readable": [readable_attribute(t) for t in raw_texts]},
        schema=pa.schema([("raw_text", pa.string()), ("readable", pa.string())]),
    )
    staging.con.register("pqa_attribute_texts", table)
    try:
        staging.con.execute("create or replace temp table ingest_pqa_attributes as select * from pqa_attribute_texts")
    finally:
        staging.con.unregister("pqa_attribute_texts")


def _stored_rows(staging: Staging) -> int:
    return sum(staging.count(f"stage_{t}") for t in ("product_documents", "product_qa", "reviews")) - staging.count(
        "stage_product_documents", "kind = 'title'"
    )


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(sources[0].name, source, target) for source, target in COLUMNS]


def looks_like(header: set[str]) -> bool:
    """True for a header with the ePQA / hetPQA evidence columns."""
    return set(REQUIRED) <= header


FORMAT = Format(
    "product_qa", "product Q&A evidence CSV (ePQA / hetPQA shape): documents, Q&A, reviews", None, stage, columns
)
