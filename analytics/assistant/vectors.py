"""Evidence vectors computed once, at import, and read back when answering (migration 110).

Embedding a product's evidence is what made the first answer about it slow (every text through
the sentence encoder); stored, an answer embeds only its question. Vectors are keyed by the
text's sha256 and the embedding model, so the same text under two products or kinds is embedded
once, and a different ``embedding_model`` setting gets its own vectors.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from analytics.core import queries

CHUNK = 512  # texts embedded and written per step, so progress moves and memory stays flat


def texts_without_vectors(con: duckdb.DuckDBPyConnection, model: str) -> list[str]:
    """Every distinct evidence text that has no vector from ``model`` yet."""
    return queries.frame(con, "assistant_texts_without_vectors", {"model": model})["text"].tolist()


def store_missing(
    con: duckdb.DuckDBPyConnection, embedder, model: str, progress: Callable[[float, str], None] | None = None
) -> int:
    """Embed and store every evidence text without a vector from ``model``; returns how many.

    ``embedder`` has ``encode(texts) -> (n, dim)`` L2-normalised rows (``models.embeddings.TextEmbedder``).
    """
    texts = texts_without_vectors(con, model)
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        vectors = embedder.encode(chunk)
        con.register("new_vectors", pd.DataFrame({"text": chunk, "vector": list(vectors.astype(np.float32))}))
        try:
            queries.rows(con, "assistant_store_vectors", {"model": model})
        finally:
            con.unregister("new_vectors")
        if progress is not None:
            progress((start + len(chunk)) / len(texts), f"embedded {start + len(chunk):,} of {len(texts):,} texts")
    return len(texts)


def stored_vectors(con: duckdb.DuckDBPyConnection, product_id: str, model: str) -> dict[str, np.ndarray]:
    """Evidence text -> stored vector for one product (texts without a vector are absent, and
    all are in a snapshot published before migration 110: they are embedded when asked about)."""
    try:
        found = queries.frame(con, "assistant_product_vectors", {"product_id": product_id, "model": model})
    except duckdb.CatalogException:
        return {}
    return {t: np.asarray(v, dtype=np.float32) for t, v in zip(found["text"], found["vector"], strict=True)}
