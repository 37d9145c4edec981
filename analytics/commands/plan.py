"""`plan`: a campaign plan for a segment or saved audience, with a seeded random holdout."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from analytics.campaigns import plans
from analytics.campaigns.copy_rules import CHANNELS
from analytics.cli import CliError, JobFailed, add_job_arguments, run_as_job
from analytics.commands.options import day, number_option
from analytics.core import jobs
from analytics.trust.access import CLI_ACTOR, Actor
from models.settings import Settings

NAME = "plan"
HELP = "plan a campaign: approved drafts as variants A, B, ... and a random holdout balanced on RFM tiers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--segment", type=int, metavar="ID", help="segment id (latest complete run unless --run)")
    target.add_argument("--audience", type=int, metavar="ID", help="saved audience id (save-audience)")
    parser.add_argument("--run", type=int, metavar="RUN_ID", help="segmentation run of --segment")
    parser.add_argument("--name", required=True, help="the campaign's name, as send logs will name it")
    parser.add_argument("--channel", required=True, choices=list(CHANNELS))
    parser.add_argument("--variants", required=True, metavar="DRAFT_IDS", help="approved draft ids, e.g. 12,15")
    number_option(
        parser,
        "--holdout",
        float,
        plans.DEFAULT_HOLDOUT_SHARE,
        "SHARE",
        "share of users held out, strictly between 0 and 1",
    )
    parser.add_argument("--seed", type=int, help="seed of the draw (default: a random one, stored with the plan)")
    parser.add_argument("--start", required=True, help="first day of the outcome window, YYYY-MM-DD (UTC)")
    parser.add_argument("--end", required=True, help="last day of the outcome window, YYYY-MM-DD (UTC, inclusive)")
    parser.add_argument("--json", action="store_true", help="print the plan's summary as one JSON object")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    request = _request(args, settings)
    actor = Actor(args.actor, CLI_ACTOR.role)  # the dashboard checked the role before launching
    refused: list[plans.PlanError] = []

    def job(ctx: jobs.JobContext) -> dict:
        try:
            with ctx.batch():
                return plans.create_plan(ctx.con, actor, request, created_at=_now())
        except plans.PlanError as exc:
            refused.append(exc)
            raise

    params = {
        "name": request.name,
        "channel": request.channel,
        "segment": args.segment,
        "audience": args.audience,
        "run": args.run,
        "variants": [v.draft_id for v in request.variants],
        "holdout": request.holdout_share,
        "seed": request.seed,
        "start": args.start,
        "end": args.end,
    }
    try:
        result = run_as_job(args, settings, "plan", job, params=params, label="plan", show_progress=False)
    except JobFailed:
        if refused:  # the plan itself was refused: bad input (exit 2), not a failed job
            print(f"error: {refused[0]}", file=sys.stderr)
            return 2
        raise
    summary = result.summary | {"warnings": plans.small_arm_warnings(result.summary["arms"], settings.min_group_size)}
    print(json.dumps(summary) if args.json else _text(summary, result.job_id))
    return 0


def _request(args: argparse.Namespace, settings: Settings) -> plans.PlanRequest:
    """The plan asked for, checked before any job starts; CliError names the bad option."""
    if args.run is not None and args.segment is None:
        raise CliError("--run goes with --segment")
    source = (
        plans.Source("segment", args.segment, args.run)
        if args.segment is not None
        else plans.Source("audience", args.audience)
    )
    try:
        draft_ids = [int(part) for part in args.variants.split(",") if part.strip()]
    except ValueError:
        raise CliError(
            f"--variants must be draft ids separated by commas, like 12,15 (got '{args.variants}')"
        ) from None
    try:
        request = plans.PlanRequest(
            name=args.name,
            channel=args.channel,
            source=source,
            variants=plans.variants_from_drafts(settings, draft_ids, args.channel),
            start=day(args.start, "--start"),
            end=day(args.end, "--end"),
            holdout_share=args.holdout,
            seed=args.seed if args.seed is not None else plans.new_seed(),
        )
        plans.check_request(request)
    except plans.PlanError as exc:
        raise CliError(str(exc)) from None
    return request


def argv_for(request: plans.PlanRequest) -> list[str]:
    """The command line that stores ``request`` (the dashboard launches it as a job). The seed
    must be set: the plan drawn is then the one the planner previewed."""
    if request.seed is None:
        raise ValueError("argv_for needs the request's seed, so the job draws the arms that were previewed")
    source = request.source
    if source.kind == "segment":
        target = ["--segment", str(source.id)] + (["--run", str(source.run_id)] if source.run_id is not None else [])
    elif source.kind == "audience":
        target = ["--audience", str(source.id)]
    else:
        raise ValueError(f"a {source.kind} plan is not made from the command line")
    return [
        "plan",
        *target,
        "--name",
        request.name.strip(),
        "--channel",
        request.channel,
        "--variants",
        ",".join(str(v.draft_id) for v in request.variants),
        "--holdout",
        repr(request.holdout_share),
        "--seed",
        str(request.seed),
        "--start",
        request.start.isoformat(),
        "--end",
        request.end.isoformat(),
    ]


def _text(summary: dict, job_id: int) -> str:
    arms = ", ".join(f"{arm} {n:,}" for arm, n in summary["arms"].items())
    lines = [
        f"campaign {summary['campaign_id']} '{summary['name']}' planned for {summary['source_name']} "
        f"(job {job_id}, seed {summary['seed']}): {arms} users",
        f"  {summary['excluded_no_consent']:,} users declined marketing consent: in no arm, holdout included",
        "  balance: share of each arm's users per RFM tier (as of the start)",
    ]
    balance = summary["balance"]
    arms_shown = list(summary["arms"])
    lines.append(f"  {'tier':<22}" + "".join(f"{arm:>9}" for arm in arms_shown) + f"{'users':>8}")
    for row in balance:
        shares = "".join(f"{row.get(arm, 0.0):>9.1%}" for arm in arms_shown)
        lines.append(f"  {row['stratum']:<22}{shares}{row['users']:>8,}")
    lines += [f"  warning: {w}" for w in summary["warnings"]]
    return "\n".join(lines)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)
