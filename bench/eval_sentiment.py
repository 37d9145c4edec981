"""Accuracy of review sentiment on the real rated reviews of ../shared/data, with bootstrap 95% intervals.

4-5 stars count as positive, 1-2 as negative (3 left out); the decision is score > 0.

    python -m bench.eval_sentiment                       # the untrained default on every source
    python -m bench.eval_sentiment --model DIR --sources womens_clothing
    python -m bench.eval_sentiment --train-on amazon_fashion --sources womens_clothing,olist

``--train-on SOURCE`` runs the real ``train-sentiment`` command on a temporary warehouse holding
that source's reviews, then evaluates the saved model on the other sources only: a model is
never evaluated on reviews it was trained on. Per-review scores are saved next to ``--out``.
Not part of ``make bench`` (it takes minutes per source on two cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.review_samples import FILES, LANGUAGES, load_reviews, polar_reviews
from models.settings import Settings, load_settings
from models.training import binary_metrics


def bootstrap(positive: np.ndarray, scores: np.ndarray, reps: int = 1000, seed: int = 0) -> dict[str, tuple]:
    """95% percentile intervals of accuracy, balanced accuracy and AUC over ``reps`` resamples of reviews."""
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {"accuracy": [], "balanced_accuracy": [], "auc": []}
    for _ in range(reps):
        idx = rng.integers(0, len(scores), len(scores))
        if len(set(positive[idx])) < 2:
            continue
        m = binary_metrics(positive[idx], scores[idx])
        for key in draws:
            draws[key].append(m[key])
    return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in draws.items()}


def evaluate(
    settings: Settings, model: str, source: str, out_dir: Path, batch_size: int | None, sample: int | None = None
) -> dict:
    """Score one source's polar reviews (or a seeded random ``sample`` of them) with ``model``;
    metrics with intervals and throughput."""
    from models.sentiment import make_scorer

    reviews = polar_reviews(source)
    if sample is not None and sample < len(reviews):
        reviews = reviews.sample(n=sample, random_state=0).reset_index(drop=True)
    scorer = make_scorer(settings, model).load()
    started = time.perf_counter()
    results = scorer.predict(reviews["content"].tolist(), batch_size=batch_size)
    seconds = time.perf_counter() - started
    reviews["score"] = [r.score for r in results]
    reviews["chunks"] = [r.chunks for r in results]
    out_dir.mkdir(parents=True, exist_ok=True)
    reviews[["review_id", "product_id", "rating", "positive", "score", "chunks"]].to_parquet(
        out_dir / f"scores_{Path(model).name}_{source}.parquet"
    )
    positive = reviews["positive"].to_numpy()
    scores = reviews["score"].to_numpy()
    return {
        "source": source,
        "language": LANGUAGES[source],
        "model": model,
        "n": len(reviews),
        **binary_metrics(positive, scores),
        "ci": bootstrap(positive, scores),
        "reviews_per_s": len(reviews) / seconds,
        "long_reviews": int((reviews["chunks"] > 1).sum()),
    }


def train_on(settings: Settings, source: str, out: Path, epochs: float) -> Path:
    """Run the real train-sentiment command on a temporary warehouse holding ``source``'s reviews."""
    from analytics.cli import main as cli_main
    from analytics.core import jobs

    reviews = load_reviews(source)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "train.duckdb"
        tmp_settings = Settings(db_path=db)

        def insert(ctx: jobs.JobContext) -> dict:
            with ctx.batch():
                rows = reviews[["review_id", "user_id", "product_id", "rating", "title", "text", "created_at"]]
                ctx.con.register("incoming", rows)
                ctx.con.execute("insert into reviews by name select * from incoming")
            return {"reviews": len(rows)}

        loaded = jobs.run_job(tmp_settings, "load_sample", insert, params={"source": source})
        if loaded.status != "done":
            raise SystemExit(f"could not load {source} into a warehouse: {loaded.error}")
        argv = ["--db", str(db), "train-sentiment", "--out", str(out), "--epochs", str(epochs)]
        print("$ python -m analytics " + " ".join(argv), flush=True)
        if cli_main(argv) != 0:
            raise SystemExit(f"train-sentiment failed on {source}")
    return out


def _row(r: dict) -> str:
    ci = r["ci"]
    return (
        f"| {r['source']} ({r['language']}) | {Path(r['model']).name} | {r['n']:,} "
        f"({r['count_positive']:,}/{r['count_negative']:,}) "
        f"| {r['balanced_accuracy']:.3f} [{ci['balanced_accuracy'][0]:.3f}, {ci['balanced_accuracy'][1]:.3f}] "
        f"| {r['accuracy']:.3f} [{ci['accuracy'][0]:.3f}, {ci['accuracy'][1]:.3f}] "
        f"| {r['auc']:.3f} [{ci['auc'][0]:.3f}, {ci['auc'][1]:.3f}] | {r['reviews_per_s']:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model to evaluate (default: setting sentiment_model)")
    parser.add_argument("--sources", default=",".join(FILES), help=f"comma-separated, from {', '.join(FILES)}")
    parser.add_argument("--train-on", choices=list(FILES), help="train with train-sentiment on this source first")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--out", default="data/eval", help="folder for per-review scores and trained models")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--sample", type=int, help="evaluate a seeded random sample of N reviews per source")
    args = parser.parse_args(argv)
    settings = load_settings()
    out = Path(args.out)
    sources = [s for s in args.sources.split(",") if s]
    model = args.model or settings.sentiment_model
    if args.train_on:
        model = str(train_on(settings, args.train_on, out / f"sentiment-{args.train_on}", args.epochs).resolve())
        sources = [s for s in sources if s != args.train_on]
    print(
        "| source (language) | model | reviews (pos/neg) | balanced accuracy [95% CI] | accuracy [95% CI] "
        "| AUC [95% CI] | reviews/s |"
    )
    print("|---|---|---|---|---|---|---|")
    for source in sources:
        result = evaluate(settings, model, source, out, args.batch_size, args.sample)
        print(_row(result), flush=True)
        if result["long_reviews"]:
            print(f"  ({result['long_reviews']} reviews were longer than one window and scored in chunks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
