"""`demo`: build the deterministic demo shop into the warehouse."""

from __future__ import annotations

import argparse
import sys

from analytics.cli import CliError, add_job_arguments
from analytics.core import jobs
from models.settings import Settings

NAME = "demo"
HELP = "generate the demo shop (deterministic for a seed) into the warehouse"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="approximate number of events (default: setting demo_events)")
    parser.add_argument("--seed", type=int, help="random seed (default: setting demo_seed)")
    parser.add_argument("--replace", action="store_true", help="clear a warehouse that already holds data first")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.demo import build_demo

    events = args.events if args.events is not None else settings.demo_events
    seed = args.seed if args.seed is not None else settings.demo_seed
    if events < 1_000:
        raise CliError(f"--events must be at least 1000 (got {events})")
    params = {"events": events, "seed": seed, "replace": args.replace}
    result = jobs.run_job(
        settings,
        "demo",
        lambda ctx: build_demo(ctx, events=events, seed=seed, replace=args.replace),
        params=params,
        actor=args.actor,
        job_id=args.job_id,
        show_progress=sys.stderr.isatty(),
        on_wait=lambda message: print(message, file=sys.stderr),
    )
    if result.status != "done":
        print(f"error: demo job {result.job_id} {result.status}: {result.error}", file=sys.stderr)
        return 1
    s = result.summary
    print(
        f"demo shop built: {s.get('events', 0):,} events, {s.get('users', 0):,} users, "
        f"{s.get('reviews', 0):,} reviews in {s.get('seconds', 0):.1f}s (job {result.job_id})"
    )
    return 0
