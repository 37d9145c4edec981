"""GPU checks, one short run on a CUDA machine. Section: review sentiment.

    python -m bench.gpu_check sentiment --model DIR [--reviews FILE] [--batch-size N]

Runs the project's ``ClassifierScorer`` on CUDA in bf16 (the precision ``models.device`` picks)
with large batches, and on the same GPU in fp32 and as a per-review ``pipeline()`` loop, and
prints device, dtype, batch size and reviews/s for each. Without CUDA it says so and exits 0:
the CPU path is what ``bench/bench_sentiment.py`` measures.

Reviews: ``--reviews`` (CSV or JSON lines with a ``text`` column), else the real reviews of
../shared/data (which does not travel to a GPU machine: pass a file there), else it says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch


def _texts(path: str | None) -> list[str]:
    import pandas as pd

    if path:
        frame = pd.read_json(path, lines=True) if path.endswith((".jsonl", ".jsonl.gz")) else pd.read_csv(path)
        return [t for t in frame["text"].astype(str) if t.strip()]
    from bench.review_samples import polar_reviews, sample_path

    sources = [s for s in ("amazon_fashion", "womens_clothing") if sample_path(s).is_file()]
    return [t for s in sources for t in polar_reviews(s)["content"]]


def _rate(fn, texts: list[str]) -> float:
    fn(texts[:64])  # warm-up: kernels, allocator
    torch.cuda.synchronize()
    started = time.perf_counter()
    fn(texts)
    torch.cuda.synchronize()
    return len(texts) / (time.perf_counter() - started)


def sentiment(args: argparse.Namespace) -> int:
    from models.device import choose_device
    from models.sentiment import ClassifierScorer
    from models.settings import Settings

    if not torch.cuda.is_available():
        print("sentiment GPU check: no CUDA device here, nothing measured (bench/bench_sentiment.py measures the CPU)")
        return 0
    texts = _texts(args.reviews)
    if not texts:
        print("sentiment GPU check: no reviews (pass --reviews FILE; ../shared/data is not here), nothing measured")
        return 0
    texts = (texts * (args.min_reviews // len(texts) + 1))[: max(args.min_reviews, len(texts))]
    plan = choose_device("cuda")
    batch = args.batch_size or Settings().sentiment_batch_size * plan.batch_multiplier
    print(
        f"device {torch.cuda.get_device_name(0)}, torch {torch.__version__}, {len(texts):,} reviews, "
        f"model {Path(args.model).name}"
    )
    scorer = ClassifierScorer(Settings(device="cuda"), args.model).load()
    rate = _rate(lambda t: scorer.predict(t, batch_size=batch), texts)
    print(f"project scorer: cuda {scorer.model.dtype} batch {batch}: {rate:,.0f} reviews/s")

    fp32 = ClassifierScorer(Settings(device="cuda"), args.model)
    fp32.load()
    fp32.model = fp32.model.float()
    rate32 = _rate(lambda t: fp32.predict(t, batch_size=batch), texts)
    print(f"project scorer: cuda torch.float32 batch {batch}: {rate32:,.0f} reviews/s (bf16 is {rate / rate32:.2f}x)")

    from transformers import pipeline

    pipe = pipeline("text-classification", model=args.model, device="cuda")
    few = texts[: args.pipeline_reviews]
    naive = _rate(lambda t: [pipe(x, truncation=True) for x in t], few)
    print(
        f"per-review pipeline() loop: cuda fp32 batch 1: {naive:,.0f} reviews/s on {len(few):,} reviews "
        f"(project bf16 is {rate / naive:.1f}x)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="section", required=True)
    s = sub.add_parser("sentiment", help="review sentiment scorer in bf16 with large batches")
    s.add_argument("--model", required=True, help="sequence-classification folder (e.g. from train-sentiment)")
    s.add_argument("--reviews", help="CSV or JSON lines with a text column")
    s.add_argument("--batch-size", type=int, help="default: setting sentiment_batch_size x the GPU multiplier")
    s.add_argument("--min-reviews", type=int, default=20_000, help="repeat the reviews up to this many")
    s.add_argument("--pipeline-reviews", type=int, default=2_000)
    args = parser.parse_args(argv)
    return {"sentiment": sentiment}[args.section](args)


if __name__ == "__main__":
    sys.exit(main())
