"""GPU section of the embedding benchmark: the embedder on CUDA in bf16/fp16 with large batches.

Prints texts/s for the project's embedder (``models.embeddings.TextEmbedder``, device and dtype
from ``models.device.choose_device``) at several batch sizes and precisions, against fp32 on
the same GPU and a naive per-text loop, with the cosine agreement of the half-precision vectors
to fp32 ones. Without CUDA it says so and exits 0 (the CPU figures are in bench_segments).

    python -m bench.gpu_embeddings [--model NAME_OR_FOLDER] [--texts FILE] [--repeat N]

``--texts``: one text per line (``.gz`` read as gzip); default: built-in product and review
phrases. Only ``models`` is imported, so it runs where DuckDB is not installed.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

FALLBACK_TEXTS = [
    "wireless noise cancelling headphones",
    "arrived broken, the box was crushed",
    "gaming laptop 16GB",
    "cheap kitchen knife set",
    "Great value, works exactly as described and shipping was fast.",
    "summer dress floral",
    "The material feels thin and it shrank after one wash. Not worth the money.",
    "stainless steel water bottle",
    "running shoes for trail",
    "refund took three weeks to arrive",
]


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(prog="python -m bench.gpu_embeddings", description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="embedding model (default: the embedding_model setting)")
    parser.add_argument("--texts", type=Path, help="one text per line (.gz read as gzip)")
    parser.add_argument("--repeat", type=int, default=20, help="times the text list is repeated (more work)")
    args, _ = parser.parse_known_args(argv)
    if not torch.cuda.is_available():
        print(
            "no CUDA device here: the GPU embedding benchmark needs one; nothing measured "
            "(CPU throughput: python -m bench.bench_segments)"
        )
        return 0
    texts = _texts(args.texts) * args.repeat
    print(
        f"{torch.cuda.get_device_name(0)}; torch {torch.__version__}; {len(texts):,} texts "
        f"({len(set(texts)):,} distinct, repeated so the GPU has work)",
        flush=True,
    )
    reference = None
    for label, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16), ("fp16", torch.float16)):
        embedder = _embedder(args.model, dtype)
        for batch in (128, 512, 2048):
            vectors, rate = _timed_encode(embedder, texts, batch)
            agreement = "" if reference is None else f", cosine to fp32 {np.mean(np.sum(vectors * reference, 1)):.5f}"
            print(f"{label:>5} batch {batch:>5}: {rate:>10,.0f} texts/s{agreement}", flush=True)
        reference = vectors if reference is None else reference
        del embedder
        torch.cuda.empty_cache()
    _naive_loop(args.model, texts[:500])
    return 0


def _texts(path: Path | None) -> list[str]:
    if path is None:
        return list(FALLBACK_TEXTS)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


def _embedder(model: str | None, dtype):
    from models.embeddings import TextEmbedder
    from models.settings import Settings

    settings = Settings(device="cuda", **({"embedding_model": model} if model else {}))
    embedder = TextEmbedder(settings).load()  # the project's path: bf16 on this GPU (models.device)
    embedder.model.to(dtype)
    return embedder


def _timed_encode(embedder, texts: list[str], batch: int) -> tuple[np.ndarray, float]:
    import torch

    embedder.encode(texts[:batch], batch_size=batch)  # warm-up: kernels, allocator
    torch.cuda.synchronize()
    started = time.perf_counter()
    vectors = embedder.encode(texts, batch_size=batch)
    torch.cuda.synchronize()
    return vectors.astype(np.float32), len(texts) / (time.perf_counter() - started)


def _naive_loop(model: str | None, texts: list[str]) -> None:
    """The baseline: a transformers pipeline called on one text at a time, on the same GPU."""
    from transformers import pipeline

    from models.registry import resolve_model
    from models.settings import Settings

    location = resolve_model(model or Settings().embedding_model).location
    pipe = pipeline("feature-extraction", model=location, device=0)
    pipe(texts[0])
    started = time.perf_counter()
    for text in texts:
        pipe(text)
    rate = len(texts) / (time.perf_counter() - started)
    print(f"naive per-text pipeline loop (fp32): {rate:,.0f} texts/s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
