"""`demo`: build the deterministic demo shop into the warehouse, with its customer segments."""

from __future__ import annotations

import argparse

from analytics.cli import CliError, add_job_arguments, run_as_job
from analytics.commands import segment
from models.settings import Settings

NAME = "demo"
HELP = "generate the demo shop (deterministic for a seed) into the warehouse, then its customer segments"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="approximate number of events (default: setting demo_events)")
    parser.add_argument("--seed", type=int, help="random seed (default: setting demo_seed)")
    parser.add_argument("--replace", action="store_true", help="clear a warehouse that already holds data first")
    parser.add_argument(
        "--no-segments", action="store_true", help="build the data only (`segment` builds the segments later)"
    )
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.demo import build_demo
    from analytics.segments.job import SegmentParams

    events = args.events if args.events is not None else settings.demo_events
    seed = args.seed if args.seed is not None else settings.demo_seed
    if events < 1_000:
        raise CliError(f"--events must be at least 1000 (got {events})")
    params = {"events": events, "seed": seed, "replace": args.replace}
    result = run_as_job(
        args,
        settings,
        "demo",
        lambda ctx: build_demo(ctx, events=events, seed=seed, replace=args.replace),
        params=params,
    )
    s = result.summary
    print(
        f"demo shop built: {s.get('events', 0):,} events, {s.get('users', 0):,} users, "
        f"{s.get('reviews', 0):,} reviews in {s.get('seconds', 0):.1f}s (job {result.job_id})"
    )
    if not args.no_segments:
        # The segments the Segments page and the Campaign studio start from, as `segment` with
        # its defaults would build them; a job of its own, so the marts it reads are the new ones.
        segment.report(segment.build_segments(args, settings, SegmentParams(), queued=False))
    return 0
