"""The segmentation's text embedding: in this process vs on Spark executors, same texts.

    python -m bench.bench_spark_embeddings --texts 2000      # local[2], spark.driver.memory 2g

Embeds the first ``--texts`` real Women's Clothing reviews of ../shared/data (as bench_sentiment)
with the local ``TextEmbedder`` and with ``SparkTextEmbedder`` (``segment --engine spark``'s path),
twice each (the first Spark run includes each worker loading the model), and prints texts/s, the
ratio and the largest difference between the two sets of vectors.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from analytics.core.engines.spark_engine import SparkEngine
from analytics.segments.spark_embeddings import TEXTS_PER_PARTITION, SparkTextEmbedder
from bench.bench_sentiment import load_texts
from models.embeddings import TextEmbedder
from models.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--per-partition", type=int, default=TEXTS_PER_PARTITION)
    args = parser.parse_args()
    texts = load_texts(None, args.texts)
    if not texts:
        print("no reviews: ../shared/data is missing; nothing measured")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-spark-embeddings-") as folder:
        settings = Settings(db_path=Path(folder, "w.duckdb"), engine="spark", spark_master=args.master)
        local = TextEmbedder(settings).load()
        local_s, expected = _timed(lambda: local.encode(texts))
        started = time.perf_counter()
        engine = SparkEngine(settings)
        session_s = time.perf_counter() - started
        try:
            spark = SparkTextEmbedder(engine.spark, settings, args.per_partition)
            spark_s, got = _timed(lambda: spark.encode(texts))
        finally:
            engine.close()
    print(f"{len(texts):,} texts, Spark {args.master} session start {session_s:.1f} s (apart)")
    for label, (first, second) in (("local", local_s), ("spark", spark_s)):
        print(f"{label:>6}: first {first:6.1f} s, second {second:6.1f} s ({len(texts) / second:6.1f} texts/s)")
    print(f"spark / local (second runs): {spark_s[1] / local_s[1]:.2f}")
    print(f"largest |difference| of a vector component: {np.abs(got - expected).max():.2e}")
    return 0


def _timed(run) -> tuple[tuple[float, float], np.ndarray]:
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        out = run()
        seconds.append(time.perf_counter() - started)
    return (seconds[0], seconds[1]), out


if __name__ == "__main__":
    raise SystemExit(main())
