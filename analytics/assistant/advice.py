"""Shopping advice: the catalog's products that match a stated need, each with a reason from data.

"I want a new laptop for video editing" is embedded with the same sentence encoder as the
evidence and compared with every product's title, descriptions and bullets (and its reviews that
have a stored vector); a product's relevance is its best-matching text's cosine. Ratings and
popularity (distinct buyers) then nudge the order among relevant products, never above relevance:
their weights are small against the cosine spread. With a user, two more nudges: the share of
the user's own activity in the product's top-level category, and how many members of the user's
segment (latest complete segmentation) bought it; products the user already bought are left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.assistant.answers import best_sentence, check_question
from analytics.core import queries
from analytics.trust.privacy import mask_pii

MIN_RELEVANCE = 0.2  # a best cosine below this matches nothing the need says (MiniLM, unrelated texts ~0.0-0.15)
RATING_WEIGHT = 0.05  # a 5-star product with 10+ ratings gains this much over an unrated one
POPULARITY_WEIGHT = 0.05  # the most-bought product gains this much (log scale)
CATEGORY_WEIGHT = 0.15  # a user whose whole activity is in the product's category
SEGMENT_WEIGHT = 0.10  # the product most bought by the user's segment
KIND_SAYS = {
    "title": "Its title",
    "description": "Its description",
    "bullet": "Its details",
    "review": "A customer",
}


class UnknownUserError(LookupError):
    """The --user id is in neither users nor events."""


@dataclass(frozen=True)
class Suggestion:
    product_id: str
    title: str
    category: str | None
    price: float | None
    score: float
    relevance: float
    rating: float | None
    ratings: int
    buyers: int
    reason: str

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("score", "relevance"):
            data[key] = round(data[key], 3)
        data["rating"] = None if self.rating is None else round(self.rating, 2)
        return data


@dataclass
class Catalog:
    """What advice reads from the warehouse, once per request."""

    products: pd.DataFrame  # product_id, title, category, price, rating, ratings, buyers
    texts: pd.DataFrame  # product_id, kind, text, vector (None where not stored)
    categories: dict[str, float]  # the user's weight per top-level category ({} without a user)
    bought: set[str]
    segment_buyers: dict[str, int]  # product -> buyers in the user's segment ({} without one)


def read_catalog(con: duckdb.DuckDBPyConnection, model: str, user_id: str | None = None) -> Catalog:
    """The products and texts to search and, with ``user_id``, that user's history and segment."""
    products = queries.frame(con, "assistant_advice_products")
    texts = queries.frame(con, "assistant_advice_texts", {"model": model})
    if user_id is None:
        return Catalog(products, texts, {}, set(), {})
    found = queries.one(con, "assistant_user_exists", {"user_id": user_id})
    if not found or not found["found"]:
        raise UnknownUserError(f"user '{user_id}' is not in the shop's users or events")
    history = queries.frame(con, "assistant_user_history", {"user_id": user_id})
    categories = {r.value: float(r.weight) for r in history.itertuples() if r.kind == "category"}
    bought = {r.value for r in history.itertuples() if r.kind == "bought"}
    segment = queries.frame(con, "assistant_segment_buyers", {"user_id": user_id})
    segment_buyers = dict(zip(segment["product_id"], segment["segment_buyers"], strict=True))
    return Catalog(products, texts, categories, bought, segment_buyers)


def advise(need: str, catalog: Catalog, embedder, limit: int = 5) -> list[Suggestion]:
    """Up to ``limit`` products for ``need``, best first; empty when nothing is relevant enough."""
    asked = check_question(need, "the need")
    if catalog.texts.empty:
        return []
    vectors = _vectors(catalog.texts, embedder)
    cosine = vectors @ embedder.encode([asked])[0]
    texts = catalog.texts.assign(cosine=cosine)
    best = texts.loc[texts.groupby("product_id")["cosine"].idxmax()]
    table = catalog.products.merge(best[["product_id", "kind", "text", "cosine"]], on="product_id", how="inner")
    table = table[(table["cosine"] >= MIN_RELEVANCE) & ~table["product_id"].isin(catalog.bought)]
    if table.empty:
        return []
    table = table.assign(score=table["cosine"] + _priors(table) + _personal(table, catalog))
    top = table.sort_values(["score", "product_id"], ascending=[False, True]).head(limit)
    return [_suggestion(asked, row, catalog) for row in top.itertuples()]


def _vectors(texts: pd.DataFrame, embedder) -> np.ndarray:
    """The stored vector of each text, the encoder's for texts without one (titles, descriptions)."""
    stored = texts["vector"].map(lambda v: isinstance(v, list | tuple | np.ndarray))  # null reads as None or NA
    missing = texts.loc[~stored, "text"].tolist()
    fresh = iter(embedder.encode(missing)) if missing else iter(())
    rows = zip(texts["vector"], stored, strict=True)
    return np.stack([np.asarray(v, dtype=np.float32) if s else next(fresh) for v, s in rows])


def _priors(table: pd.DataFrame) -> np.ndarray:
    rating = table["rating"].fillna(3.0).to_numpy(dtype=float)
    trust = np.minimum(table["ratings"].to_numpy(dtype=float), 10) / 10  # few ratings count for little
    buyers = table["buyers"].to_numpy(dtype=float)
    popularity = np.log1p(buyers) / max(np.log1p(buyers.max()), 1e-9)
    return RATING_WEIGHT * (rating - 3) / 2 * trust + POPULARITY_WEIGHT * popularity


def _personal(table: pd.DataFrame, catalog: Catalog) -> np.ndarray:
    if not catalog.categories and not catalog.segment_buyers:
        return np.zeros(len(table))
    total = sum(catalog.categories.values()) or 1.0
    top_category = table["category"].fillna("").str.split(".").str[0]
    affinity = top_category.map(lambda c: catalog.categories.get(c, 0.0) / total).to_numpy(dtype=float)
    most = max(catalog.segment_buyers.values(), default=0) or 1
    segment = table["product_id"].map(lambda p: catalog.segment_buyers.get(p, 0) / most).to_numpy(dtype=float)
    return CATEGORY_WEIGHT * affinity + SEGMENT_WEIGHT * segment


def _suggestion(need: str, row, catalog: Catalog) -> Suggestion:
    rating = None if pd.isna(row.rating) else float(row.rating)
    return Suggestion(
        str(row.product_id),
        str(row.title),
        None if pd.isna(row.category) else str(row.category),
        None if pd.isna(row.price) else float(row.price),
        float(row.score),
        float(row.cosine),
        rating,
        int(row.ratings),
        int(row.buyers),
        _reason(need, row, rating, catalog),
    )


def _reason(need: str, row, rating: float | None, catalog: Catalog) -> str:
    """One line from data: the matching text (quoted), the rating, the buyers, the personal why."""
    quote = mask_pii(best_sentence(need, str(row.text)))
    if len(quote) > 120:
        quote = quote[:120].rsplit(" ", 1)[0] + " ..."
    says = KIND_SAYS.get(row.kind, "It")
    parts = [f'{says}: "{quote}"' if row.kind != "review" else f'A customer: "{quote}"']
    if rating is not None and row.ratings:
        parts.append(f"{rating:.1f} stars from {int(row.ratings):,} review{'s' if row.ratings != 1 else ''}")
    if row.buyers:
        parts.append(f"bought by {int(row.buyers):,} customer{'s' if row.buyers != 1 else ''}")
    category = str(row.category).split(".")[0] if isinstance(row.category, str) else ""
    if catalog.categories.get(category):
        parts.append(f"you often shop {category}")
    if catalog.segment_buyers.get(row.product_id):
        parts.append(f"{catalog.segment_buyers[row.product_id]:,} customers like you bought it")
    return "; ".join(parts)
