"""The real rated reviews of ../shared/data, read in place with DuckDB, for evaluation and benchmarks.

Nothing is copied into the repository. Each loader returns one row per review with the columns
``source, review_id, user_id, product_id, category, rating, title, text, created_at`` (text and
title may be empty; ``rating`` 1-5). Duplicates that the source files are known to carry are
removed (see ../shared/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from models.review_text import review_content

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

FILES = {
    "amazon_fashion": "amazon_reviews_2018_fashion/AMAZON_FASHION_5.jsonl.gz",
    "womens_clothing": "womens_clothing_reviews/womens_clothing_reviews_first1000.csv.gz",
    "olist": "olist_brazilian_ecommerce_sample/olist_order_reviews_dataset.csv.gz",
}
LANGUAGES = {"amazon_fashion": "en", "womens_clothing": "en", "olist": "pt"}

_SQL = {
    # The 5-core file repeats a review across style variants: keep one per reviewer, product, time, text.
    "amazon_fashion": """
        with raw as (select * from read_json_auto($path)),
        dedup as (
            select *, row_number() over (
                partition by reviewerID, asin, unixReviewTime, reviewText order by reviewTime) as copy
            from raw
        ),
        final as (
            select 'amazon_fashion' as source,
                -- a reviewer can write two different reviews of a product at the same second
                reviewerID || '-' || asin || '-' || unixReviewTime || '-'
                    || left(md5(coalesce(summary, '') || '|' || coalesce(reviewText, '')), 6) as review_id,
                reviewerID as user_id, asin as product_id, 'fashion' as category,
                cast(overall as integer) as rating, summary as title, reviewText as text,
                to_timestamp(unixReviewTime)::timestamp as created_at
            from dedup where copy = 1
        )
        select * from final order by review_id
    """,
    "womens_clothing": """
        with raw as (select * from read_csv_auto($path, header = true)),
        final as (
            select 'womens_clothing' as source, 'wc-' || column00 as review_id, null as user_id,
                cast("Clothing ID" as varchar) as product_id,
                lower("Department Name") || '.' || lower(replace("Class Name", ' ', '_')) as category,
                cast(Rating as integer) as rating, Title as title, "Review Text" as text,
                null::timestamp as created_at
            from raw
        )
        select * from final order by review_id
    """,
    # 34 review ids repeat across orders with the same text: keep one.
    "olist": """
        with raw as (select * from read_csv_auto($path, header = true, all_varchar = true)),
        dedup as (select *, row_number() over (partition by review_id order by order_id) as copy from raw),
        final as (
            select 'olist' as source, review_id, null as user_id, order_id as product_id, null as category,
                cast(review_score as integer) as rating, review_comment_title as title,
                review_comment_message as text, cast(review_creation_date as timestamp) as created_at
            from dedup where copy = 1
        )
        select * from final order by review_id
    """,
}


def sample_path(source: str) -> Path:
    """The file of a source under ../shared/data (which may be missing outside the team's machines)."""
    if source not in FILES:
        raise ValueError(f"unknown review source '{source}'; valid sources: {', '.join(FILES)}")
    return SHARED_DATA / FILES[source]


def load_reviews(source: str, path: Path | None = None) -> pd.DataFrame:
    """Every review of one source (columns in the module docstring)."""
    path = path or sample_path(source)
    if not path.is_file():
        raise FileNotFoundError(f"review sample {path} is missing (../shared/data is provided beside the repository)")
    with duckdb.connect() as con:
        return con.execute(_SQL[source], {"path": str(path)}).df()


def polar_reviews(source: str, path: Path | None = None) -> pd.DataFrame:
    """Reviews with text rated 1-2 (``positive`` False) or 4-5 (True): the evaluation set.

    Adds ``content`` (what the product scores: ``models.sentiment.review_content``) and ``positive``.
    """
    df = load_reviews(source, path)
    df["content"] = [review_content(t, x) for t, x in zip(df["title"], df["text"], strict=True)]
    df = df[(df["content"] != "") & (df["rating"] != 3)].reset_index(drop=True)
    df["positive"] = df["rating"] >= 4
    return df
