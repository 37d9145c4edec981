"""The segmentation job: text embeddings, features, clustering and profiles, written as a new run.

A run is recorded as ``running`` first and marked ``complete`` in the same transaction as its
last rows, so pages (which read the latest complete run) never see a half-written run; an
interrupted run is marked ``failed`` by the next one. Text embeddings are cached per distinct
text, so a rerun after a crash embeds only what is left.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.core import faults, queries
from analytics.core.jobs import JobContext
from analytics.segments.features import UserFeatures, user_features
from analytics.segments.profiles import SegmentProfile, build_profiles
from analytics.segments.segmentation import Segmentation, SegmentationConfig, segment_users
from analytics.segments.user_embeddings import Embedder, refresh_user_embeddings
from models.embeddings import TextEmbedder


@dataclass(frozen=True)
class SegmentParams:
    """The command's arguments (recorded with the run)."""

    clusters: int | None = None
    seed: int = 0
    text: str = "auto"  # auto, on, off


def segment_job(ctx: JobContext, params: SegmentParams, embedder: Embedder | None = None) -> dict[str, Any]:
    """Run one segmentation into a new ``run_id``; returns the job summary.

    ``embedder`` embeds the users' texts (a loaded ``TextEmbedder``, or ``SparkTextEmbedder`` for
    ``--engine spark``); the one settings name is loaded here when the text embedding is wanted
    and none is given.
    """
    timings: dict[str, float] = {}
    run_id = _start_run(ctx, params)
    try:
        started = time.perf_counter()
        features = user_features(ctx.con)
        timings["features_s"] = time.perf_counter() - started
        ctx.progress(1, 5, f"features of {len(features):,} users")
        vectors, text_note = _text_vectors(ctx, params, features, embedder, timings)
        faults.point("segment.after_embeddings")
        started = time.perf_counter()
        config = SegmentationConfig(k=params.clusters, seed=params.seed, text=params.text)  # type: ignore[arg-type]
        segmentation = segment_users(features, vectors, config)
        timings["clustering_s"] = time.perf_counter() - started
        ctx.progress(3, 5, f"{segmentation.k} segments")
        started = time.perf_counter()
        profiles = build_profiles(ctx.con, features, segmentation)
        timings["profiles_s"] = time.perf_counter() - started
        _write_run(ctx, run_id, segmentation, profiles, text_note, embedder, timings)
    except BaseException:
        with ctx.batch():
            ctx.con.execute(queries.sql("fail_segment_run"), {"run_id": run_id, "at": _now()})
        raise
    return {
        "run_id": run_id,
        "users": len(features),
        "k": segmentation.k,
        "chosen_by": segmentation.chosen_by,
        "used_text": segmentation.used_text,
        "segments": [p.name for p in profiles],
        **{k: round(v, 2) for k, v in timings.items()},
    }


def _start_run(ctx: JobContext, params: SegmentParams) -> int:
    with ctx.batch():
        ctx.con.execute(queries.sql("fail_running_segment_runs"), {"at": _now()})
        run_id = int(queries.one(ctx.con, "next_segment_run")["run_id"])
        ctx.con.execute(
            queries.sql("start_segment_run"),
            {"run_id": run_id, "at": _now(), "seed": params.seed, "params": json.dumps(asdict(params))},
        )
    ctx.progress(0, 5, f"segmentation run {run_id} started")
    return run_id


def _text_vectors(
    ctx: JobContext,
    params: SegmentParams,
    features: UserFeatures,
    embedder: Embedder | None,
    timings: dict[str, float],
) -> tuple[np.ndarray | None, str]:
    """Users' pooled text vectors aligned with the feature table (zero rows: no text), or None."""
    if params.text == "off":
        return None, "text embedding switched off"
    started = time.perf_counter()
    embedder = embedder or TextEmbedder(ctx.settings).load()
    pooled = refresh_user_embeddings(
        ctx.con,
        embedder,
        batch=lambda checkpoint: ctx.batch(checkpoint=checkpoint),
        progress=lambda done, total, message: ctx.progress(2, 5, message),
    )
    timings["embedding_s"] = time.perf_counter() - started
    aligned = np.zeros((len(features), pooled.vectors.shape[1] if pooled.vectors.size else 0), dtype=np.float32)
    rows = pd.Index(pooled.user_ids).get_indexer(features.user_ids)
    aligned[rows >= 0] = pooled.vectors[rows[rows >= 0]]
    note = (
        f"{pooled.texts_total:,} distinct texts ({pooled.texts_embedded:,} newly embedded) "
        f"with {embedder.model_name}; {int((rows >= 0).sum()):,} users have text"
    )
    return aligned, note


def _write_run(
    ctx: JobContext,
    run_id: int,
    segmentation: Segmentation,
    profiles: list[SegmentProfile],
    text_note: str,
    embedder: Embedder | None,
    timings: dict[str, float],
) -> None:
    rows = len(segmentation.user_ids)
    step = ctx.settings.job_batch_rows
    for start in range(0, rows, step):
        part = slice(start, start + step)
        table = pa.table(
            {
                "user_id": pa.array(segmentation.user_ids[part].astype(str).tolist()),
                "segment_id": pa.array(segmentation.labels[part].astype(np.int32)),
            }
        )
        with ctx.batch(checkpoint={"run_id": run_id, "users_written": min(start + step, rows)}):
            _insert(ctx, "new_user_segments", table, "store_user_segments", {"run_id": run_id})
        ctx.progress(4, 5, f"stored {min(start + step, rows):,} of {rows:,} users' segments")
    metrics = {**segmentation.metrics(), "text_note": text_note, "timings": timings}
    model = (embedder.model_name if embedder else ctx.settings.embedding_model) if segmentation.used_text else None
    with ctx.batch(checkpoint={"run_id": run_id, "complete": True}):
        _insert(ctx, "new_map_points", _map_table(segmentation), "store_segment_map_points", {"run_id": run_id})
        profile_table = _profile_table(profiles)
        _insert(ctx, "new_segment_profiles", profile_table, "store_segment_profiles", {"run_id": run_id})
        _insert(ctx, "new_segment_profiles", profile_table, "store_segment_figures", {"run_id": run_id})
        ctx.con.execute(
            queries.sql("complete_segment_run"),
            {
                "run_id": run_id,
                "at": _now(),
                "k": segmentation.k,
                "embedding_model": model,
                "metrics": json.dumps(metrics, default=float),
            },
        )
    ctx.progress(5, 5, f"run {run_id} complete: {segmentation.k} segments")


def _profile_table(profiles: list[SegmentProfile]) -> pa.Table:
    return pa.table(
        {
            "segment_id": pa.array([p.segment_id for p in profiles], pa.int32()),
            "name": pa.array([p.name for p in profiles], pa.string()),
            "count_users": pa.array([p.count_users for p in profiles], pa.int64()),
            "description": pa.array([p.description for p in profiles], pa.string()),
            "traits": pa.array([p.traits_json() for p in profiles], pa.string()),
            "figures": pa.array([p.profile_json() for p in profiles], pa.string()),
        }
    )


def _map_table(segmentation: Segmentation) -> pa.Table:
    """The users of the 2-D map sample with their coordinates."""
    rows = np.flatnonzero(np.isfinite(segmentation.map_xy).all(axis=1))
    return pa.table(
        {
            "user_id": pa.array(segmentation.user_ids[rows].astype(str).tolist(), pa.string()),
            "segment_id": pa.array(segmentation.labels[rows].astype(np.int32)),
            "map_x": pa.array(segmentation.map_xy[rows, 0]),
            "map_y": pa.array(segmentation.map_xy[rows, 1]),
        }
    )


def _insert(ctx: JobContext, relation: str, table: pa.Table, query: str, params: dict) -> None:
    ctx.con.register(relation, table)
    try:
        ctx.con.execute(queries.sql(query), params)
    finally:
        ctx.con.unregister(relation)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
