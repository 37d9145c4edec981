"""What the text embedding adds to the segments, with against without, on the demo shop and the
real REES46, Olist and UCI samples ("keep it only where it helps, and say so").

For each data set: the users' text vectors (the project's embedder, each distinct text once),
then segments with k chosen automatically, with the text embedding forced on and off, for two
seeds. Printed: k, adjusted Rand index against the demo's hidden customer types (demo only),
between the two seeds, and between the variants; the auto mode's two measured conditions (how
much of the text the behaviour features predict, and how much of the held-out features each
variant's segments explain) and its decision.

    python -m bench.bench_segment_text [--demo-events N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from analytics.core import jobs
from analytics.segments.features import user_features
from analytics.segments.segmentation import SegmentationConfig, segment_users
from analytics.segments.user_embeddings import refresh_user_embeddings
from models.embeddings import TextEmbedder
from models.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_segment_text", description=__doc__.splitlines()[0])
    parser.add_argument("--demo-events", type=int, default=200_000)
    args, _ = parser.parse_known_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    embedder = TextEmbedder(Settings(device="cpu")).load()
    with tempfile.TemporaryDirectory() as folder:
        for name, loader in _data_sets(args.demo_events):
            settings = Settings(db_path=Path(folder) / f"{name}.duckdb")
            if jobs.run_job(settings, "import", loader).status != "done":
                print(f"{name}: could not be loaded (sample missing?); skipped")
                continue
            report(name, settings, embedder)
    return 0


def _data_sets(demo_events: int):
    from analytics.demo import build_demo

    yield "demo", lambda ctx: build_demo(ctx, events=demo_events, seed=7, replace=False)
    try:
        from tests.segments import samples  # ../shared/data through the importer
    except ImportError:
        return
    for name in ("rees46", "olist", "online_retail"):
        yield name, lambda ctx, n=name: getattr(samples, f"load_{n}")(ctx)


def report(name: str, settings: Settings, embedder: TextEmbedder) -> None:
    result = {}

    def fn(ctx):
        started = time.perf_counter()
        vectors = refresh_user_embeddings(
            ctx.con, embedder, batch=lambda cp: ctx.batch(checkpoint=cp), progress=lambda *a: None
        )
        result["embedding_s"] = time.perf_counter() - started
        result["features"] = user_features(ctx.con)
        result["vectors"] = vectors
        result["types"] = ctx.con.execute(
            "select u.demo_type from (select distinct user_id from events where user_id is not null) e "
            "left join users u using (user_id) order by e.user_id"
        ).df()["demo_type"]

    jobs.run_job(settings, "embed", fn)
    features, pooled = result["features"], result["vectors"]
    rows = pd.Index(pooled.user_ids).get_indexer(features.user_ids)
    text = np.zeros((len(features), pooled.vectors.shape[1]), np.float32)
    text[rows >= 0] = pooled.vectors[rows[rows >= 0]]
    print(
        f"\n{name}: {len(features):,} users, {pooled.texts_total:,} distinct texts embedded in "
        f"{result['embedding_s']:.0f} s, {int((rows >= 0).sum()):,} users with text",
        flush=True,
    )
    labels = {}
    for mode in ("off", "on"):
        for seed in (0, 1):
            seg = segment_users(features, text, SegmentationConfig(seed=seed, text=mode))
            labels[(mode, seed)] = seg.labels
            truth = result["types"]
            vs_types = (
                f", ARI vs hidden types {adjusted_rand_score(truth, seg.labels):.3f}" if truth.notna().all() else ""
            )
            print(f"  text {mode:>3}, seed {seed}: k = {seg.k}{vs_types}", flush=True)
    for mode in ("off", "on"):
        print(f"  text {mode}: ARI between seeds {adjusted_rand_score(labels[(mode, 0)], labels[(mode, 1)]):.3f}")
    print(f"  ARI between text on and off (seed 0): {adjusted_rand_score(labels[('on', 0)], labels[('off', 0)]):.3f}")
    auto = segment_users(features, text, SegmentationConfig(seed=0, text="auto")).text_decision
    print(
        f"  auto: behaviour predicts {auto['text_redundancy_r2']:.0%} of the text components (limit "
        f"{auto['max_text_redundancy']:.0%}); held-out features explained {auto['held_out_explained_with_text']:.3f} "
        f"with text, {auto['held_out_explained_without_text']:.3f} without (k = {auto['compared_at_k']}): "
        f"text {'kept' if auto['kept'] else 'left out'}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
