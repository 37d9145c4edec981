"""`refresh-marts`: rebuild the pre-aggregated marts the Overview and Conversion pages read."""

from __future__ import annotations

import argparse

from analytics.cli import CliError, add_job_arguments, run_as_job
from analytics.core import jobs, marts
from models.settings import ENGINES, Settings

NAME = "refresh-marts"
HELP = "rebuild the marts (funnel steps, order lines, customer value) from the canonical tables"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="where the mart queries run (default: setting engine); the marts land in the warehouse either way",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="rebuild every mart even when only later events were appended (DuckDB refreshes those incrementally)",
    )
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.core.engines import make_engine

    # Spark starts before the job takes the warehouse lock, so other jobs wait only for the work.
    try:
        engine = make_engine(settings, args.engine)
    except RuntimeError as exc:  # SparkUnavailable: names the setting or the missing piece
        raise CliError(str(exc)) from exc

    def refresh(ctx: jobs.JobContext) -> dict:
        ctx.progress(0, 1, f"rebuilding marts on {engine.name}")
        with ctx.batch():
            summary = marts.refresh(ctx.con, engine, full=args.full)
        ctx.progress(1, 1, "marts rebuilt")
        return summary | {"engine": engine.name}

    result = run_as_job(args, settings, "refresh_marts", refresh)
    rows = ", ".join(f"{table} {count:,}" for table, count in result.summary["rows"].items())
    how = result.summary["mode"] + (f" ({result.summary['why_full']})" if result.summary["why_full"] else "")
    print(f"marts refreshed on {engine.name}, {how}, in {result.summary['seconds']:.1f}s: {rows} (job {result.job_id})")
    return 0
