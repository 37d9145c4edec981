"""Segmentation benchmarks, each path against a baseline in the same process.

1. Embedding throughput: the project's path (each distinct text embedded once, in batches,
   then pooled per user) against a naive loop calling a transformers ``pipeline`` on one
   (user, text) pair at a time, on the per-user texts of a demo shop. Target: >= 3x.
2. Segmentation step (features, clustering with k chosen automatically, profiles, storing the
   segments) at ``--users`` users (default 1M) of a synthetic shop: target under 60 s on 2 cores.
   Text embedding is measured in part 1, not here.
3. The same step against a naive baseline at ``--baseline-users``: features with pandas from the
   events table, k-means on all users for every candidate k, silhouette on a sample.

    python -m bench.bench_segments [--users N] [--baseline-users N] [--texts N] [--skip-embedding] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.core import marts, queries, warehouse
from analytics.segments.features import user_features
from analytics.segments.profiles import build_profiles
from analytics.segments.segmentation import SegmentationConfig, segment_users
from bench.segments_shop import build_shop
from models.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_segments", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--baseline-users", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=300, help="(user, text) pairs the naive loop embeds")
    parser.add_argument("--skip-embedding", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    args, _ = parser.parse_known_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    if not args.skip_embedding:
        embedding_throughput(args.texts)
    with tempfile.TemporaryDirectory() as folder:
        segmentation_at_scale(Path(folder), args.users)
        if not args.skip_baseline:
            against_baseline(Path(folder), args.baseline_users)
    return 0


# 1. Embedding throughput ---------------------------------------------------------------------


def embedding_throughput(naive_pairs: int) -> None:
    from transformers import pipeline

    from analytics.core import jobs
    from analytics.demo import build_demo
    from models.embeddings import TextEmbedder, pool
    from models.registry import resolve_model

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db_path=Path(folder) / "demo.duckdb")
        jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, events=50_000, seed=7, replace=False))
        con = warehouse.open_reader(warehouse.current_snapshot(settings))
        rows = queries.frame(con, "user_texts")
        con.close()
    print(
        f"\n[embedding] {len(rows):,} (user, text) pairs, {rows['text'].nunique():,} distinct texts, "
        f"{rows['user_id'].nunique():,} users (demo shop, 50k events)",
        flush=True,
    )
    embedder = TextEmbedder(Settings(device="cpu")).load()
    started = time.perf_counter()
    vectors, inverse = embedder.encode_distinct(rows["text"].tolist())
    users, owners = np.unique(rows["user_id"].to_numpy(), return_inverse=True)
    pooled = pool(owners, inverse, rows["weight"].to_numpy(np.float32), vectors, len(users))
    project_s = time.perf_counter() - started
    project_rate = len(rows) / project_s

    source = resolve_model(embedder.model_name)
    naive = pipeline("feature-extraction", model=source.location, device="cpu")
    sample = rows.sample(min(naive_pairs, len(rows)), random_state=0)
    started = time.perf_counter()
    naive_vectors = [_naive_embed(naive, text) for text in sample["text"]]
    naive_s = time.perf_counter() - started
    naive_rate = len(sample) / naive_s
    # Same model, same pooling: the vectors must agree before the speeds are compared.
    agree = float(np.mean([v @ vectors[inverse[i]] for v, i in zip(naive_vectors, sample.index, strict=True)]))
    distinct_rate = len(vectors) / project_s
    print(
        f"[embedding] project path: {project_s:.1f} s for all pairs = {project_rate:,.0f} pairs/s "
        f"({distinct_rate:,.0f} distinct texts/s, batch {embedder.batch_size}); pooled {pooled.shape}"
    )
    print(
        f"[embedding] naive per-text pipeline loop: {naive_s:.1f} s for {len(sample)} pairs = "
        f"{naive_rate:,.1f} pairs/s; mean cosine to the project's vectors {agree:.4f}"
    )
    print(
        f"[embedding] ratio (pairs/s): {project_rate / naive_rate:.1f}x; batching alone (distinct texts/s "
        f"vs the naive loop's texts/s): {distinct_rate / naive_rate:.1f}x",
        flush=True,
    )


def _naive_embed(pipe, text: str) -> np.ndarray:
    tokens = np.asarray(pipe(text)[0], dtype=np.float32)  # (tokens, dim), special tokens included
    vector = tokens.mean(axis=0)
    return vector / np.linalg.norm(vector)


# 2. Segmentation at scale ----------------------------------------------------------------------


@contextmanager
def _timed(timings: dict, name: str):
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started


def _shop(folder: Path, users: int) -> tuple:
    settings = Settings(db_path=folder / f"shop_{users}.duckdb")
    con = warehouse.open_writer(settings)
    started = time.perf_counter()
    counts = build_shop(con, users)
    built_s = time.perf_counter() - started
    started = time.perf_counter()
    marts.refresh(con)  # done by the job runner after every import; RFM tiers and CLV read the marts
    marts_s = time.perf_counter() - started
    print(
        f"[shop] {counts['users']:,} users, {counts['events']:,} events, {counts['reviews']:,} reviews, "
        f"{counts['searches']:,} searches: generated in {built_s:.0f} s, marts refreshed in {marts_s:.0f} s "
        "(setup, not timed below)",
        flush=True,
    )
    return con, counts


def project_step(con) -> dict[str, float]:
    """The segmentation job's work without the text embedding: features, clustering, profiles, storing."""
    timings: dict[str, float] = {}
    with _timed(timings, "features"):
        features = user_features(con)
    with _timed(timings, "clustering"):
        segmentation = segment_users(features, None, SegmentationConfig(seed=0, text="off"))
    with _timed(timings, "profiles"):
        build_profiles(con, features, segmentation)
    with _timed(timings, "store"):
        table = pd.DataFrame({"run_id": 1, "user_id": segmentation.user_ids, "segment_id": segmentation.labels})
        con.register("bench_segments", table)
        con.execute("delete from user_segments where run_id = 1")
        con.execute("insert into user_segments by name select * from bench_segments")
        con.unregister("bench_segments")
    timings["k"] = segmentation.k
    return timings


def segmentation_at_scale(folder: Path, users: int) -> None:
    print(f"\n[segmentation] {users:,} users", flush=True)
    con, _ = _shop(folder, users)
    timings = project_step(con)
    total = sum(v for k, v in timings.items() if k != "k")
    print(
        f"[segmentation] features {timings['features']:.1f} s, clustering {timings['clustering']:.1f} s "
        f"(k = {timings['k']} chosen automatically), profiles {timings['profiles']:.1f} s, "
        f"store {timings['store']:.1f} s: total {total:.1f} s (target: under 60 s)",
        flush=True,
    )
    con.close()


# 3. Against a naive baseline --------------------------------------------------------------------


def naive_step(con) -> dict[str, float]:
    """What a first notebook would do: pandas features from the events, k-means on all users for
    every k, silhouette on a 3,000-user sample, then per-segment means."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    timings: dict[str, float] = {}
    with _timed(timings, "features"):
        events = con.execute(
            "select user_id, event_type, session_id, price, event_time from events where user_id is not null"
        ).df()
        grouped = events.groupby("user_id")
        features = pd.DataFrame(
            {
                "sessions": grouped["session_id"].nunique(),
                "views": grouped["event_type"].agg(lambda s: (s == "view").sum()),
                "carts": grouped["event_type"].agg(lambda s: (s == "cart").sum()),
                "purchases": grouped["event_type"].agg(lambda s: (s == "purchase").sum()),
                "avg_price": grouped["price"].mean(),
                "recency": (events["event_time"].max() - grouped["event_time"].max()).dt.total_seconds(),
            }
        )
        values = StandardScaler().fit_transform(np.log1p(features.fillna(0).clip(lower=0)))
    with _timed(timings, "clustering"):
        rng = np.random.default_rng(0)
        sample = rng.choice(len(values), min(3000, len(values)), replace=False)
        scores = {}
        for k in range(2, 11):
            labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(values)
            scores[k] = silhouette_score(values[sample], labels[sample])
        best = max(scores, key=scores.get)
        labels = KMeans(n_clusters=best, n_init=4, random_state=0).fit_predict(values)
    with _timed(timings, "profiles"):
        features.assign(segment=labels).groupby("segment").mean()
    timings["k"] = best
    return timings


def against_baseline(folder: Path, users: int) -> None:
    print(f"\n[baseline] {users:,} users, the project's step and a naive one", flush=True)
    con, _ = _shop(folder, users)
    project = project_step(con)
    naive = naive_step(con)
    for name, timings in (("project", project), ("naive", naive)):
        total = sum(v for k, v in timings.items() if k != "k")
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items() if k != "k")
        print(f"[baseline] {name}: {parts}: total {total:.1f} s (k = {timings['k']})")
    project_total = sum(v for k, v in project.items() if k != "k")
    naive_total = sum(v for k, v in naive.items() if k != "k")
    print(f"[baseline] ratio naive / project: {naive_total / project_total:.1f}x", flush=True)
    con.close()


if __name__ == "__main__":
    sys.exit(main())
