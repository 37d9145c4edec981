"""`train-sentiment`: fine-tune a sentiment classifier on the warehouse's own star-rated reviews."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from analytics.cli import CliError, add_job_arguments, run_as_job
from models.registry import ModelNotFound, resolve_model
from models.settings import Settings

NAME = "train-sentiment"
HELP = (
    "fine-tune a review-sentiment model on the shop's star ratings (4-5 positive, 1-2 negative), "
    "measure it on held-out products and save a model folder"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", metavar="MODEL", help="encoder to fine-tune (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument(
        "--out", metavar="DIR", help="new folder for the model (default: <model_cache_dir>/sentiment-<UTC time>)"
    )
    parser.add_argument("--epochs", type=float, default=1.0, metavar="N", help="passes over the data (default 1)")
    parser.add_argument("--max-length", type=int, default=128, metavar="TOKENS", help="tokens per review (default 128)")
    parser.add_argument("--batch-size", type=int, default=16, metavar="N", help="reviews per step (default 16)")
    parser.add_argument(
        "--holdout",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="share of reviews held out, as whole products (default 0.2)",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-reviews", type=int, metavar="N", help="train on at most N reviews (quick trials)")
    add_job_arguments(parser)


def _config(args: argparse.Namespace):
    from models.training import TrainingConfig

    checks = [
        (args.epochs > 0, "--epochs must be above 0"),
        (args.max_length >= 16, "--max-length must be 16 or more"),
        (args.batch_size >= 1, "--batch-size must be at least 1"),
        (0 < args.holdout < 1, "--holdout must be between 0 and 1"),
        (args.max_reviews is None or args.max_reviews >= 2 * 20, "--max-reviews must be at least 40"),
    ]
    for ok, message in checks:
        if not ok:
            raise CliError(message)
    base = TrainingConfig().base_model if args.base is None else args.base
    return TrainingConfig(
        base_model=base,
        epochs=args.epochs,
        max_length=args.max_length,
        batch_size=args.batch_size,
        holdout_fraction=args.holdout,
        seed=args.seed,
        max_train_reviews=args.max_reviews,
    )


def default_out(settings: Settings) -> Path:
    """A new folder under the model cache, named by the UTC time."""
    return settings.model_cache_dir / f"sentiment-{datetime.now(UTC):%Y%m%d-%H%M%S}"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.reviews.train_job import record_model, train_on_ratings

    config = _config(args)
    out = Path(args.out) if args.out else default_out(settings)
    if out.exists() and any(out.iterdir()):
        raise CliError(f"--out {out} already holds files; name a new folder")
    try:
        resolve_model(config.base_model)
    except ModelNotFound as exc:
        raise CliError(str(exc)) from exc
    result = run_as_job(
        args,
        settings,
        "train_sentiment",
        record_model,
        prepare=lambda ctx: train_on_ratings(ctx, out, config),
        params={"out": str(out.resolve()), **dataclasses.asdict(config)},
    )
    s = result.summary
    m = s["metrics"]
    print(
        f"trained on {s['count_train']:,} rated reviews in {s['seconds']:.0f}s; held-out products "
        f"({s['count_holdout']:,} reviews): accuracy {m['accuracy']:.3f}, balanced accuracy "
        f"{m['balanced_accuracy']:.3f}, AUC {m['auc']:.3f}"
    )
    print(f"saved {s['out_dir']} (use it with `sentiment --model {s['out_dir']}` or the sentiment_model setting)")
    print(json.dumps(m), file=sys.stderr)
    return 0
