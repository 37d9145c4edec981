"""`status`: what the published warehouse holds."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.cli import open_published
from analytics.core import jobs, warehouse
from analytics.core.status import warehouse_status
from models.settings import Settings

NAME = "status"
HELP = "show what the published warehouse holds (row counts, date range, schema version)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    # What a crashed job committed is published first (docs/ARCHITECTURE.md, "What a crash leaves").
    _finish_unpublished(settings)
    # Reads the published snapshot, like the dashboard: never waits for a running job.
    con = open_published(settings)
    snapshot = warehouse.current_snapshot(settings)
    try:
        status = warehouse_status(con)
    finally:
        con.close()
    if args.json:
        print(json.dumps(status))
        return 0
    print(f"warehouse {settings.db_path} (snapshot {snapshot.seq}, published {snapshot.published_at} UTC)")
    print(f"schema version {status['schema_version']}")
    for table, count in status["tables"].items():
        print(f"  {table:<10} {count:>12,}")
    print(f"  {'sessions':<10} {status['sessions']:>12,}")
    print(f"events from {status['first_event']} to {status['last_event']}")
    return 0


def _finish_unpublished(settings: Settings) -> None:
    result = jobs.finish_unpublished(settings)
    if result is not None:
        outcome = "published" if result.status == "done" else f"could not publish ({result.error})"
        print(f"job {result.job_id} {outcome} what a crashed job had committed", file=sys.stderr)
