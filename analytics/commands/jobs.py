"""`jobs`: list recent jobs, or cancel one."""

from __future__ import annotations

import argparse
import json

from analytics.cli import CliError
from analytics.core import jobs
from models.settings import Settings

NAME = "jobs"
HELP = "list recent jobs (status, progress), or cancel one with --cancel ID"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cancel", type=int, metavar="ID", help="ask job ID to stop after its current batch")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.cancel is not None:
        job = jobs.get_job(settings, args.cancel)
        if job is None:
            raise CliError(f"no job with id {args.cancel}")
        if job["status"] not in jobs.ACTIVE:
            raise CliError(f"job {args.cancel} is already {job['status']}")
        jobs.request_cancel(settings, args.cancel)
        print(f"cancel requested for job {args.cancel} ({job['kind']})")
        return 0
    rows = jobs.list_jobs(settings, args.limit)
    if args.json:
        print(json.dumps(rows, default=str))
        return 0
    for job in rows:
        total = f"/{job['progress_total']:g}" if job["progress_total"] else ""
        print(
            f"{job['job_id']:>5} {job['kind']:<12} {job['status']:<10} "
            f"{job['progress_done']:g}{total}  {job['created_at'][:19]}  {job['actor']}  {job['message']}"
        )
    return 0
