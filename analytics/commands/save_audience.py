"""`save-audience`: store the users of a funnel step (e.g. abandoned carts) as a named audience."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import date

from analytics.cli import CliError, JobFailed, add_job_arguments, run_as_job
from analytics.conversion import funnels
from analytics.core import jobs
from analytics.core.filters import Filters
from analytics.trust.access import CLI_ACTOR, Actor
from models.settings import Settings

NAME = "save-audience"
HELP = "save the users who reached a funnel step (and not a later one) as a named audience"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the audience's name, e.g. 'abandoned carts, March'")
    parser.add_argument("--step", required=True, choices=funnels.STEPS, help="users who reached this step")
    parser.add_argument("--not-step", choices=funnels.STEPS, help="... and never reached this later step")
    parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (UTC, inclusive)")
    for flag in ("category", "brand", "traffic-source", "device"):
        parser.add_argument(f"--{flag}", action="append", default=[], help=f"keep only this {flag} (repeatable)")
    parser.add_argument("--across-sessions", action="store_true", help="steps may follow in later sessions")
    parser.add_argument("--window-days", type=int, default=7, help="across sessions: days allowed per step")
    parser.add_argument("--any-order", action="store_true", help="within a session, steps in any order")
    parser.add_argument("--cart-optional", action="store_true", help="a view followed by a purchase converts")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    filters, options = _parse(args)
    actor = Actor(args.actor, CLI_ACTOR.role)  # the dashboard checked the role before launching
    params = {
        "name": args.name,
        "step": args.step,
        "not_step": args.not_step,
        "start": args.start,
        "end": args.end,
        "categories": args.category,
        "brands": args.brand,
        "traffic_sources": args.traffic_source,
        "devices": args.device,
        "options": asdict(options),
    }

    empty: list[funnels.EmptyAudience] = []

    def save(ctx: jobs.JobContext) -> dict:
        try:
            with ctx.batch():
                return funnels.save_audience(ctx.con, actor, args.name, filters, options, args.step, args.not_step)
        except funnels.EmptyAudience as exc:
            empty.append(exc)
            raise

    try:
        result = run_as_job(args, settings, "audience", save, params=params, label="audience", show_progress=False)
    except JobFailed:
        if empty:  # nobody matched: bad input (exit 2), not a failed job
            print(f"error: {empty[0]}", file=sys.stderr)
            return 2
        raise
    s = result.summary
    print(f"audience {s['audience_id']} '{args.name}' saved with {s['count_users']:,} users (job {result.job_id})")
    return 0


def argv_for(
    name: str, filters: Filters, options: funnels.FunnelOptions, step: str, not_step: str | None = None
) -> list[str]:
    """The command line that saves this audience (the dashboard launches it as a job)."""
    argv = [
        "save-audience",
        "--name",
        name,
        "--step",
        step,
        "--start",
        filters.start.isoformat(),
        "--end",
        filters.end.isoformat(),
        "--window-days",
        str(options.window_days),
    ]
    argv += ["--not-step", not_step] if not_step else []
    for flag, values in (
        ("--category", filters.categories),
        ("--brand", filters.brands),
        ("--traffic-source", filters.traffic_sources),
        ("--device", filters.devices),
    ):
        argv += [part for value in values for part in (flag, value)]
    switches = (
        ("--across-sessions", options.across_sessions),
        ("--any-order", options.any_order),
        ("--cart-optional", options.cart_optional),
    )
    return argv + [flag for flag, on in switches if on]


def _parse(args: argparse.Namespace) -> tuple[Filters, funnels.FunnelOptions]:
    try:
        filters = Filters(
            start=_day(args.start, "--start"),
            end=_day(args.end, "--end"),
            categories=tuple(args.category),
            brands=tuple(args.brand),
            traffic_sources=tuple(args.traffic_source),
            devices=tuple(args.device),
        )
        options = funnels.FunnelOptions(
            across_sessions=args.across_sessions,
            window_days=args.window_days,
            any_order=args.any_order,
            cart_optional=args.cart_optional,
        )
        funnels.check_steps(args.step, args.not_step)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        funnels.check_audience_name(args.name)
    except ValueError as exc:
        raise CliError(f"--name: {exc}") from None
    return filters, options


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag} must be a date like 2026-03-31 (got '{text}')") from None
