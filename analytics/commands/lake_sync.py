"""`lake-sync`: bring the Parquet lake under ``lake_path`` up to the warehouse, or check it."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.cli import CliError, add_job_arguments, open_published, run_as_job
from analytics.core import jobs, lake
from models.settings import Settings

NAME = "lake-sync"
HELP = "write the warehouse's changed days and tables to the Parquet lake (lake_path); --check compares them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare the lake, read in place, with the published warehouse table for table; exit 1 on a difference",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.check:
        return _check(settings, args.json)
    # Before the job: a lake that cannot be written is bad input, and no job row is made for it.
    try:
        lake.check_writable(settings)
    except lake.LakeError as exc:
        raise CliError(str(exc)) from exc

    def sync(ctx: jobs.JobContext) -> dict:
        # Reads the warehouse under the job lock, so no import lands half-way through.
        return lake.sync(ctx.con, settings, ctx.progress) | {"lake": settings.lake}

    result = run_as_job(args, settings, "lake_sync", sync)
    summary = result.summary
    if args.json:
        print(json.dumps({"job_id": result.job_id, **summary}))
    else:
        print(
            f"lake {summary['lake']} in sync: {summary['partitions_written']:,} partitions written "
            f"({summary['rows_written']:,} rows), {summary['partitions_kept']:,} unchanged, "
            f"{summary['partitions_removed']:,} removed (job {result.job_id})"
        )
    return 0


def _check(settings: Settings, as_json: bool) -> int:
    with open_published(settings) as con:
        try:
            found = lake.differences(con, settings)
        except lake.LakeError as exc:
            found = [str(exc)]
    if as_json:
        print(json.dumps({"lake": settings.lake, "equal": not found, "differences": found}))
    elif found:
        print("\n".join(f"difference: {line}" for line in found), file=sys.stderr)
    else:
        print(f"lake {settings.lake} equals the published warehouse, table for table")
    return 1 if found else 0
