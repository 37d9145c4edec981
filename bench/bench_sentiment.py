"""Sentiment throughput on CPU: the project's scorers against a naive per-review loop, same model, same run.

    python -m bench.bench_sentiment [--model DIR] [--reviews N] [--lm-reviews N] [--reviews-file F]

1. Classifier: ``models.sentiment.ClassifierScorer`` (length-sorted batches, inference_mode) against
   ``transformers.pipeline("text-classification")`` called once per review, the way a notebook
   does it. Default model: the packaged all-MiniLM-L6-v2 with a two-label head (a folder made by
   ``train-sentiment`` has exactly this shape and cost; pass ``--model`` to time a trained one).
2. Zero-shot LM (the untrained default, SmolLM2): ``ZeroShotLMScorer`` against a per-review loop
   that runs the model on the prompt and reads the answer words from the full next-token softmax.

Reviews are the real Women's Clothing reviews of ../shared/data (or ``--reviews-file``, a CSV or
JSON-lines file with a ``text`` column). Prints reviews/s of each and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from models.settings import PACKAGED_MINILM, PACKAGED_SMOLLM2, Settings


def load_texts(path: str | None, n: int) -> list[str] | None:
    """The first ``n`` review texts (title and text) of a file, or of the shared Women's Clothing sample."""
    if path:
        frame = pd.read_json(path, lines=True) if path.endswith((".jsonl", ".jsonl.gz")) else pd.read_csv(path)
        return [t for t in frame["text"].astype(str) if t.strip()][:n]
    from bench.review_samples import polar_reviews, sample_path

    if not sample_path("womens_clothing").is_file():
        return None
    return polar_reviews("womens_clothing")["content"].head(n).tolist()


def plain_classifier(folder: Path) -> str:
    """The packaged MiniLM with a two-label head, saved like a train-sentiment folder."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.registry import resolve_model

    torch.manual_seed(0)
    location = resolve_model(PACKAGED_MINILM).location
    AutoModelForSequenceClassification.from_pretrained(
        location, num_labels=2, id2label={0: "negative", 1: "positive"}, label2id={"negative": 0, "positive": 1}
    ).save_pretrained(folder)
    AutoTokenizer.from_pretrained(location).save_pretrained(folder)
    return str(folder)


def bench_classifier(model: str, texts: list[str], batch_size: int) -> tuple[float, float, float]:
    """(project reviews/s, pipeline reviews/s, largest difference in P(positive) on reviews both see whole)."""
    from transformers import pipeline

    from models.sentiment import ClassifierScorer

    scorer = ClassifierScorer(Settings(device="cpu"), model).load()
    scorer.predict(texts[:8], batch_size=batch_size)  # warm-up
    started = time.perf_counter()
    ours = scorer.predict(texts, batch_size=batch_size)
    ours_rate = len(texts) / (time.perf_counter() - started)

    pipe = pipeline("text-classification", model=model, device="cpu", top_k=None)
    pipe(texts[0], truncation=True)  # warm-up
    started = time.perf_counter()
    naive = [pipe(text, truncation=True) for text in texts]
    naive_rate = len(texts) / (time.perf_counter() - started)

    diffs = []
    for mine, theirs in zip(ours, naive, strict=True):
        if mine.chunks == 1:  # a pipeline cuts long reviews; ours scores them whole
            p_pos = next(
                x["score"] for x in (theirs[0] if isinstance(theirs[0], list) else theirs) if x["label"] == "positive"
            )
            diffs.append(abs((mine.score + 1) / 2 - p_pos))
    return ours_rate, naive_rate, float(max(diffs))


def bench_lm(texts: list[str], batch_size: int) -> tuple[float, float]:
    """(project reviews/s, naive per-review full-softmax loop reviews/s) for the zero-shot LM."""
    from models.sentiment import LM_NEGATIVE_WORDS, LM_POSITIVE_WORDS, LM_PROMPT_SUFFIX, ZeroShotLMScorer

    scorer = ZeroShotLMScorer(Settings(device="cpu"), PACKAGED_SMOLLM2).load()
    scorer.predict(texts[:4], batch_size=batch_size)
    started = time.perf_counter()
    scorer.predict(texts, batch_size=batch_size)
    ours_rate = len(texts) / (time.perf_counter() - started)

    tok, model = scorer.tokenizer, scorer.model
    pos = [tok.encode(w, add_special_tokens=False)[0] for w in LM_POSITIVE_WORDS]
    neg = [tok.encode(w, add_special_tokens=False)[0] for w in LM_NEGATIVE_WORDS]
    started = time.perf_counter()
    with torch.no_grad():
        for text in texts:
            ids = tok(text + LM_PROMPT_SUFFIX, return_tensors="pt")
            probs = model(**ids).logits[0, -1].softmax(-1)
            float(probs[pos].sum() - probs[neg].sum())
    naive_rate = len(texts) / (time.perf_counter() - started)
    return ours_rate, naive_rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="sequence-classification folder (default: MiniLM with a two-label head)")
    parser.add_argument("--reviews", type=int, default=300, help="reviews for the classifier comparison")
    parser.add_argument("--lm-reviews", type=int, default=60, help="reviews for the LM comparison (0: skip)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--reviews-file", help="CSV or JSON lines with a text column (default: ../shared/data)")
    args = parser.parse_args(argv)
    texts = load_texts(args.reviews_file, max(args.reviews, args.lm_reviews))
    if not texts:
        print("no reviews: ../shared/data is missing and no --reviews-file was given; nothing measured")
        return 0
    print(
        f"CPU, {torch.get_num_threads()} torch threads, {len(texts[: args.reviews])} real reviews "
        f"(median {int(np.median([len(t) for t in texts]))} characters)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or plain_classifier(Path(tmp) / "classifier")
        ours, naive, diff = bench_classifier(model, texts[: args.reviews], args.batch_size)
    print(
        f"classifier ({Path(model).name if args.model else 'MiniLM + 2-label head'}): project {ours:.1f} "
        f"reviews/s, per-review pipeline() {naive:.1f} reviews/s, ratio {ours / naive:.2f}x "
        f"(largest difference in P(positive): {diff:.1e})"
    )
    if args.lm_reviews:
        ours, naive = bench_lm(texts[: args.lm_reviews], args.batch_size)
        print(
            f"zero-shot LM (SmolLM2-135M): project {ours:.1f} reviews/s, per-review full-softmax loop "
            f"{naive:.1f} reviews/s, ratio {ours / naive:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
