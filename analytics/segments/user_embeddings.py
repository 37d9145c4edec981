"""Refresh the text embeddings of users (a step of the segmentation job).

What each user wrote and bought (``sql/user_texts.sql``) is embedded per distinct text, once
per model (cache ``text_embeddings``), and pooled per user into ``user_embeddings``. A rerun
embeds only texts it has not seen and rewrites only users whose texts changed, so the job is
incremental and a crash loses at most the batch in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.core import queries
from models.embeddings import pool

Progress = Callable[[float, float | None, str], None]
Batch = Callable[[dict], object]  # ctx.batch: a context manager making one transaction


class Embedder(Protocol):
    """What embedding needs of a model: a loaded ``models.embeddings.TextEmbedder``, or the
    same model on Spark executors (``analytics.segments.spark_embeddings``)."""

    model_name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class UserVectors:
    """Pooled text vectors: ``vectors[i]`` belongs to ``user_ids[i]`` (float32, L2-normalised)."""

    user_ids: np.ndarray
    vectors: np.ndarray
    model: str
    texts_embedded: int  # distinct texts embedded in this run (the rest came from the cache)
    texts_total: int  # distinct texts of all users
    users_written: int  # users whose stored embedding was (re)written


def refresh_user_embeddings(
    con: duckdb.DuckDBPyConnection,
    embedder: Embedder,
    *,
    batch: Batch,
    progress: Progress,
    texts_per_batch: int = 4096,
    users_per_batch: int = 50_000,
) -> UserVectors:
    """Embed new texts, pool per user, store changed users; return every user's vector.

    ``batch(checkpoint)`` is ``JobContext.batch``; ``progress(done, total, message)`` is
    ``JobContext.progress``. Input: ``sql/user_texts.sql`` (user_id, text, text_hash, weight,
    texts_hash). Output tables: ``text_embeddings`` and ``user_embeddings`` for the model.
    """
    model = embedder.model_name
    rows = queries.frame(con, "user_texts")
    distinct = rows.drop_duplicates("text_hash")[["text_hash", "text"]]
    cached = set(queries.frame(con, "embedded_text_hashes", {"model": model})["text_hash"])
    missing = distinct.loc[~distinct["text_hash"].isin(cached)]
    _embed_missing(con, embedder, missing, batch=batch, progress=progress, per_batch=texts_per_batch)
    hashes, vectors = _cached_vectors(con, model)
    user_ids, pooled = _pool_rows(rows, hashes, vectors)
    written = _store_changed(
        con, model, rows, user_ids, pooled, batch=batch, progress=progress, per_batch=users_per_batch
    )
    return UserVectors(user_ids, pooled, model, len(missing), len(distinct), written)


def _embed_missing(
    con: duckdb.DuckDBPyConnection,
    embedder: Embedder,
    missing: pd.DataFrame,
    *,
    batch: Batch,
    progress: Progress,
    per_batch: int,
) -> None:
    total = len(missing)
    # Similar lengths together keep padding low inside each model batch.
    ordered = missing.assign(length=missing["text"].str.len()).sort_values("length", kind="stable")
    for start in range(0, total, per_batch):
        part = ordered.iloc[start : start + per_batch]
        vectors = embedder.encode(part["text"].tolist())
        table = pa.table({"text_hash": pa.array(part["text_hash"].tolist()), "embedding": _list_array(vectors)})
        with batch({"texts_done": start + len(part)}):
            con.register("new_text_embeddings", table)
            con.execute(queries.sql("store_text_embeddings"), {"model": embedder.model_name, "at": _now()})
            con.unregister("new_text_embeddings")
        progress(start + len(part), total, f"embedded {start + len(part):,} of {total:,} new texts")


def _cached_vectors(con: duckdb.DuckDBPyConnection, model: str) -> tuple[pd.Index, np.ndarray]:
    table = con.sql(queries.sql("text_embedding_vectors"), params={"model": model}).to_arrow_table()
    column = table.column("embedding").combine_chunks()
    if len(column) == 0:
        return pd.Index([]), np.zeros((0, 0), dtype=np.float32)
    flat = column.flatten().to_numpy().astype(np.float32, copy=False)
    return pd.Index(table.column("text_hash").to_pylist()), flat.reshape(len(column), -1)


def _pool_rows(rows: pd.DataFrame, hashes: pd.Index, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    user_codes, user_ids = pd.factorize(rows["user_id"], sort=True)
    if not len(user_ids):
        return np.array([], dtype=object), np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
    text_codes = hashes.get_indexer(rows["text_hash"])
    if (text_codes < 0).any():
        raise RuntimeError("a text has no cached embedding after embedding the missing texts")
    pooled = pool(user_codes, text_codes, rows["weight"].to_numpy(np.float32), vectors, len(user_ids))
    return np.asarray(user_ids, dtype=object), pooled


def _store_changed(
    con: duckdb.DuckDBPyConnection,
    model: str,
    rows: pd.DataFrame,
    user_ids: np.ndarray,
    pooled: np.ndarray,
    *,
    batch: Batch,
    progress: Progress,
    per_batch: int,
) -> int:
    per_user = rows.groupby("user_id", sort=True).agg(texts_hash=("texts_hash", "first"), count_texts=("text", "size"))
    stored = queries.frame(con, "user_embedding_fingerprints", {"model": model}).set_index("user_id")["texts_hash"]
    changed = np.flatnonzero(per_user["texts_hash"].to_numpy() != stored.reindex(per_user.index).to_numpy())
    for start in range(0, len(changed), per_batch):
        part = changed[start : start + per_batch]
        table = pa.table(
            {
                "user_id": pa.array(user_ids[part].tolist()),
                "embedding": _list_array(pooled[part]),
                "count_texts": pa.array(per_user["count_texts"].to_numpy()[part].astype(np.int32)),
                "texts_hash": pa.array(per_user["texts_hash"].to_numpy()[part].tolist()),
            }
        )
        with batch({"users_done": start + len(part)}):
            con.register("new_user_embeddings", table)
            con.execute(queries.sql("delete_user_embeddings"), {"model": model})
            con.execute(queries.sql("store_user_embeddings"), {"model": model, "at": _now()})
            con.unregister("new_user_embeddings")
        progress(start + len(part), len(changed), f"stored {start + len(part):,} of {len(changed):,} user vectors")
    with batch({"users_done": len(changed)}):
        con.register("current_user_texts", pa.table({"user_id": pa.array(user_ids.tolist(), pa.string())}))
        con.execute(queries.sql("delete_stale_user_embeddings"), {"model": model})
        con.unregister("current_user_texts")
    return len(changed)


def _list_array(vectors: np.ndarray) -> pa.Array:
    """A (n, dim) float32 matrix as an Arrow list column without a Python loop."""
    n, dim = vectors.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(np.ascontiguousarray(vectors, np.float32).ravel()))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
