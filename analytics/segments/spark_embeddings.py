"""`segment --engine spark`: the texts the segmentation embeds, embedded on Spark executors with
``mapInPandas`` by the same ``TextEmbedder`` class as the local job.

Only the model work moves: the job still reads the users' texts from the warehouse, asks for the
texts no earlier run embedded, and stores their vectors and the pooled user vectors where the local
job stores them (``text_embeddings``, ``user_embeddings``), in the job's committed batches, so a
rerun resumes like the local job and the dashboard reads the same tables. Each executor's Python
worker loads the model once; an executor with a GPU uses it (the ``device`` setting, as locally).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from models.embeddings import TextEmbedder
from models.settings import Settings

TEXTS_PER_PARTITION = 512  # a few model batches each: enough partitions to keep every core busy
VECTOR_SCHEMA = "position long, embedding array<float>"


class SparkTextEmbedder:
    """What the segmentation job uses of a ``TextEmbedder`` (``model_name``, ``encode``), with the
    encoding done on ``spark``'s executors."""

    def __init__(self, spark: Any, settings: Settings, texts_per_partition: int = TEXTS_PER_PARTITION) -> None:
        if texts_per_partition < 1:
            raise ValueError(f"texts_per_partition must be at least 1 (got {texts_per_partition})")
        self.spark = spark
        self.settings = settings
        self.model_name = settings.embedding_model
        self.texts_per_partition = texts_per_partition

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors of ``texts``, rows in input order, as ``TextEmbedder.encode``."""
        if not texts:
            raise ValueError("no texts to embed")
        frame = pd.DataFrame({"position": np.arange(len(texts), dtype=np.int64), "text": list(texts)})
        partitions = max(1, -(-len(texts) // self.texts_per_partition))
        rows = (
            self.spark.createDataFrame(frame)
            .repartition(partitions)
            .mapInPandas(functools.partial(embed_partition, settings=self.settings), VECTOR_SCHEMA)
            .toPandas()
            .sort_values("position")
        )
        if len(rows) != len(texts):
            raise RuntimeError(f"Spark returned {len(rows):,} vectors for {len(texts):,} texts")
        return np.stack(rows["embedding"].to_numpy()).astype(np.float32, copy=False)


def embed_partition(frames: Iterator[pd.DataFrame], *, settings: Settings) -> Iterator[pd.DataFrame]:
    """Runs on an executor: the local embedder over one partition's texts."""
    embedder = _worker_embedder(settings)
    for frame in frames:
        vectors = embedder.encode(frame["text"].tolist())
        yield pd.DataFrame({"position": frame["position"].to_numpy(), "embedding": list(vectors)})


@functools.cache
def _worker_embedder(settings: Settings) -> TextEmbedder:
    # Once per executor Python worker: loading the model costs far more than a partition.
    return TextEmbedder(settings).load()
