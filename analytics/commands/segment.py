"""`segment`: cluster users into segments with profiles, as a new run (the latest complete run is shown)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from analytics.cli import CliError, add_job_arguments, run_as_job, spark_session
from analytics.core.jobs import JobResult
from models.settings import ENGINES, Settings

if TYPE_CHECKING:  # the segmentation job loads numpy, scikit-learn and torch: only when it runs
    from analytics.segments.job import SegmentParams

NAME = "segment"
HELP = "build user segments (features + text embedding + clustering) and their profiles as a new run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clusters", type=int, metavar="K", help="number of segments (default: chosen automatically)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--text",
        choices=("auto", "on", "off"),
        default="auto",
        help="use the text embedding of what users wrote and bought: auto keeps it only where it helps",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="where the text embedding runs: duckdb in this process, spark on Spark executors (spark_master); "
        "the vectors land in the warehouse either way and clustering runs here (default: setting engine)",
    )
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.segments.job import SegmentParams

    if args.clusters is not None and not 1 <= args.clusters <= 50:
        raise CliError(f"--clusters must be between 1 and 50 (got {args.clusters})")
    report(build_segments(args, settings, SegmentParams(clusters=args.clusters, seed=args.seed, text=args.text)))
    return 0


def build_segments(
    args: argparse.Namespace, settings: Settings, params: SegmentParams, *, queued: bool = True
) -> JobResult:
    """Run one segmentation as a ``segment`` job (parameters recorded as the command's would be).

    ``queued=False`` when another command (``demo``) runs it after its own job.
    """
    from analytics.segments.job import segment_job

    embedder = _spark_embedder(settings) if _engine(args, settings, params) == "spark" else None
    job_params = {"clusters": params.clusters, "seed": params.seed, "text": params.text}
    return run_as_job(
        args,
        settings,
        "segment",
        lambda ctx: segment_job(ctx, params, embedder),
        params=job_params,
        label="segment",
        queued=queued,
    )


def _engine(args: argparse.Namespace, settings: Settings, params: SegmentParams) -> str:
    # Only the text embedding runs on an engine: without it, nothing to start.
    if params.text == "off":
        return "duckdb"
    return getattr(args, "engine", None) or settings.engine  # `demo` has no --engine of its own


def _spark_embedder(settings: Settings):
    from analytics.segments.spark_embeddings import SparkTextEmbedder

    return SparkTextEmbedder(spark_session(settings), settings)


def report(result: JobResult) -> None:
    """Print the run's headline and one line per segment."""
    s = result.summary
    text = "with" if s["used_text"] else "without"
    print(
        f"segmentation run {s['run_id']}: {s['users']:,} users in {s['k']} segments "
        f"(k {s['chosen_by']}, {text} text embedding) (job {result.job_id})"
    )
    for number, name in enumerate(s["segments"]):
        print(f"  {number}: {name}")
