"""`segment`: cluster users into segments with profiles, as a new run (the latest complete run is shown)."""

from __future__ import annotations

import argparse
import sys

from analytics.cli import CliError, add_job_arguments
from analytics.core import jobs
from models.settings import Settings

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
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.segments.job import SegmentParams, segment_job

    if args.clusters is not None and not 1 <= args.clusters <= 50:
        raise CliError(f"--clusters must be between 1 and 50 (got {args.clusters})")
    params = SegmentParams(clusters=args.clusters, seed=args.seed, text=args.text)
    result = jobs.run_job(
        settings,
        "segment",
        lambda ctx: segment_job(ctx, params),
        params={"clusters": args.clusters, "seed": args.seed, "text": args.text},
        actor=args.actor,
        job_id=args.job_id,
        show_progress=sys.stderr.isatty(),
        on_wait=lambda message: print(message, file=sys.stderr),
    )
    if result.status != "done":
        print(f"error: segment job {result.job_id} {result.status}: {result.error}", file=sys.stderr)
        return 1
    s = result.summary
    text = "with" if s["used_text"] else "without"
    print(
        f"segmentation run {s['run_id']}: {s['users']:,} users in {s['k']} segments "
        f"(k {s['chosen_by']}, {text} text embedding) (job {result.job_id})"
    )
    for number, name in enumerate(s["segments"]):
        print(f"  {number}: {name}")
    return 0
