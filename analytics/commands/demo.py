"""`demo`: build the deterministic demo shop into the warehouse, with its customer segments."""

from __future__ import annotations

import argparse

from analytics.cli import CliError, add_job_arguments, run_as_job
from analytics.commands import answer_questions, segment
from models.settings import Settings

NAME = "demo"
HELP = (
    "generate the demo shop (deterministic for a seed) into the warehouse, then its customer segments and "
    "the answers to its customers' questions"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, help="approximate number of events (default: setting demo_events)")
    parser.add_argument("--seed", type=int, help="random seed (default: setting demo_seed)")
    parser.add_argument("--replace", action="store_true", help="clear a warehouse that already holds data first")
    parser.add_argument(
        "--no-segments", action="store_true", help="build the data only (`segment` builds the segments later)"
    )
    parser.add_argument(
        "--no-answers",
        action="store_true",
        help="leave the demo customers' questions unanswered (`answer-questions` answers them later); "
        "--no-segments leaves them too",
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
    if not args.no_segments and not args.no_answers:
        # What the demo's customers asked, answered as `answer-questions` would, for the Assistant
        # page's "What customers ask" (by segment too, hence after them). Only theirs (customers'
        # own questions come first): the earlier Q&A of every product would take minutes on a
        # laptop, and `answer-questions` answers it when asked.
        asked = max(1, s.get("customer_questions", 0))
        answer_questions.report(answer_questions.answer_all(args, settings, asked, queued=False).summary)
    return 0
