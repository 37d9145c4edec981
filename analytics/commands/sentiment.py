"""`sentiment`: score the reviews a model has not scored yet (and the aspects they talk about)."""

from __future__ import annotations

import argparse

from analytics.cli import CliError, add_job_arguments, run_as_job, spark_session
from analytics.core import jobs
from analytics.reviews.sentiment_job import COMMIT_REVIEWS
from models.registry import ModelNotFound, resolve_model
from models.review_text import model_key
from models.settings import ENGINES, Settings

NAME = "sentiment"
HELP = "score review sentiment and aspects with a language model (only reviews it has not scored yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="ID|DIR",
        help="Hugging Face id or model folder (default: setting "
        "sentiment_model); a folder made by train-sentiment works",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="reviews per model call (default: setting sentiment_batch_size, larger on a GPU)",
    )
    parser.add_argument("--no-aspects", action="store_true", help="score overall sentiment only")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="duckdb: score in this process; spark: on Spark executors (spark_master), overall sentiment "
        "only (with --no-aspects); results land in the warehouse either way (default: setting engine)",
    )
    parser.add_argument(
        "--commit-reviews",
        type=int,
        default=COMMIT_REVIEWS,
        metavar="N",
        help=f"reviews per committed batch: a crash loses at most this much scoring (default {COMMIT_REVIEWS})",
    )
    parser.add_argument(
        "--publish-first",
        type=int,
        metavar="N",
        help="score the first N pending reviews as a job of their own, published at once, then the rest "
        "(the dashboard shows results after minutes instead of at the end)",
    )
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.reviews.sentiment_job import score_reviews
    from models.aspects import AspectFinder, load_aspects
    from models.sentiment import make_scorer

    if args.batch_size is not None and args.batch_size < 1:
        raise CliError(f"--batch-size must be at least 1 (got {args.batch_size})")
    if args.commit_reviews < 1:
        raise CliError(f"--commit-reviews must be at least 1 (got {args.commit_reviews})")
    if args.publish_first is not None and args.publish_first < 1:
        raise CliError(f"--publish-first must be at least 1 (got {args.publish_first})")
    engine = args.engine or settings.engine
    if engine == "spark" and not args.no_aspects:
        raise CliError("sentiment --engine spark scores overall sentiment only: add --no-aspects (aspects run locally)")
    name = args.model or settings.sentiment_model
    try:
        resolve_model(name)
        aspects = None if args.no_aspects else load_aspects(settings.aspects_file)
    except (ModelNotFound, ValueError) as exc:
        raise CliError(str(exc)) from exc

    # Models load before the job takes the warehouse lock, so other jobs wait only for scoring.
    scorer = make_scorer(settings, name).load()
    finder = AspectFinder(settings, aspects).load() if aspects is not None else None

    def job(limit: int | None) -> jobs.JobFn:
        if engine == "spark":
            return _spark_job(args, settings, spark, scorer, limit)
        return lambda ctx: score_reviews(
            ctx, scorer, aspects=finder, batch_size=args.batch_size, commit_reviews=args.commit_reviews, limit=limit
        )

    spark = spark_session(settings) if engine == "spark" else None

    params = {"model": model_key(name), "aspects": aspects is not None}
    queued = True
    if args.publish_first is not None:
        first = run_as_job(
            args, settings, "sentiment", job(args.publish_first), params=params | {"limit": args.publish_first}
        )
        _report(first)
        if first.summary["pending_before"] <= args.publish_first:
            return 0
        queued = False  # the dashboard's job row was the first part's
    _report(run_as_job(args, settings, "sentiment", job(None), params=params, queued=queued))
    return 0


def _spark_job(args: argparse.Namespace, settings: Settings, spark, scorer, limit: int | None) -> jobs.JobFn:
    from analytics.reviews.spark_sentiment import score_reviews_on_spark

    return lambda ctx: score_reviews_on_spark(
        ctx,
        spark,
        settings,
        scorer.name,
        scorer.version,
        batch_size=args.batch_size,
        commit_reviews=args.commit_reviews,
        limit=limit,
    )


def _report(result: jobs.JobResult) -> None:
    s = result.summary
    print(
        f"scored {s['scored']:,} reviews in {s['seconds']:.1f}s ({s['reviews_per_s']:.1f} reviews/s) "
        f"with {s['model']} ({s['aspects']:,} aspect mentions; job {result.job_id})"
    )
