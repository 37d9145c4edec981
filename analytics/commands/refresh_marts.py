"""`refresh-marts`: rebuild the pre-aggregated marts the Overview and Conversion pages read."""

from __future__ import annotations

import argparse

from analytics.cli import add_job_arguments, run_as_job
from analytics.core import jobs, marts
from models.settings import Settings

NAME = "refresh-marts"
HELP = "rebuild the marts (funnel steps, order lines, customer value) from the canonical tables"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser)


def _refresh(ctx: jobs.JobContext) -> dict:
    ctx.progress(0, 1, "rebuilding marts")
    with ctx.batch():
        summary = marts.refresh(ctx.con)
    ctx.progress(1, 1, "marts rebuilt")
    return summary


def run(args: argparse.Namespace, settings: Settings) -> int:
    result = run_as_job(args, settings, "refresh_marts", _refresh)
    rows = ", ".join(f"{table} {count:,}" for table, count in result.summary["rows"].items())
    print(f"marts rebuilt in {result.summary['seconds']:.1f}s: {rows} (job {result.job_id})")
    return 0
