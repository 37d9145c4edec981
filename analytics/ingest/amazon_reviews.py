"""Amazon review data (Ni, Li, McAuley 2018/2019) as JSON lines, gzipped or not.

Fields used: overall (1-5), reviewerID, asin (the product), summary, reviewText, unixReviewTime.
Maps to reviews, users and products; reviewerName and the rest are not imported (docs/IMPORTING.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

FIELDS = ("overall", "reviewerID", "asin", "summary", "reviewText", "unixReviewTime")
REQUIRED = ("overall", "asin", "unixReviewTime")
COLUMNS = [
    ("overall", "reviews.rating"),
    ("reviewerID", "reviews.user_id, users.user_id"),
    ("asin", "reviews.product_id, products.product_id"),
    ("summary", "reviews.title"),
    ("reviewText", "reviews.text (English)"),
    ("unixReviewTime", "reviews.created_at (UTC)"),
    ("reviewerName, style, vote, image, verified", "not imported"),
]


def looks_like(head: str) -> bool:
    """True when the text starts with a JSON object naming 'asin' and 'overall'."""
    first = head.lstrip()[:4000]
    return first.startswith("{") and '"asin"' in first and '"overall"' in first


def checks(staging: Staging) -> list[v.Check]:
    """The value checks of this format's columns (tomorrow is the latest acceptable time)."""
    return [
        *(v.required(c) for c in REQUIRED),
        v.rating("overall"),
        v.unix_seconds("unixReviewTime", staging.latest),
        *v.text("reviewerID", v.ID_CHARS),
        *v.text("asin", v.ID_CHARS),
        *v.text("summary", v.NAME_CHARS),
        *v.text("reviewText", v.TEXT_CHARS),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load the JSON lines, check them, then stage reviews (review_id derived, user_id, product_id,
    rating, title, text, created_at, language='en'); users and products follow from them."""
    raw = staging.jsonl(sources[0], "raw_amazon", FIELDS)
    staging.raise_problems(staging.check(raw, checks(staging)))
    staging.insert("reviews", "amazon_reviews")
    staging.note("repeated_reviews_folded", raw.rows - staging.count("stage_reviews"))


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(sources[0].name, source, target) for source, target in COLUMNS]


FORMAT = Format("amazon_reviews", "Amazon review JSON lines (McAuley format)", None, stage, columns)
