"""Command line: ``python -m analytics [--db PATH] COMMAND ...``.

Each command lives in ``analytics/commands/<name>.py`` and exposes ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args, settings) -> int``. Register new ones in COMMANDS.
Writing commands run through the job runner (analytics.core.jobs) so they wait their turn for the
warehouse and publish a snapshot when done.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from models.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # the job runner imports duckdb; `--help` should not wait for it
    from analytics.core.jobs import JobFn, JobResult

COMMANDS = (
    "demo",
    "status",
    "jobs",
    "import_data",
    "refresh_marts",
    "spark_check",
    "lake_sync",
    "save_audience",
    "sentiment",
    "train_sentiment",
    "segment",
    "draft",
    "recommend",
    "opportunities",
    "answer",
    "advise",
    "answer_questions",
    "plan",
    "campaigns",
    "results",
    "send_list",
)


class CliError(Exception):
    """Bad input on the command line: printed as ``error: ...``, exit status 2."""


class JobFailed(Exception):
    """A command's job ended failed or cancelled: printed as ``error: ...``, exit status 1."""

    def __init__(self, label: str, result: JobResult) -> None:
        super().__init__(f"{label} job {result.job_id} {result.status}: {result.error}")
        self.result = result


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="warehouse file (default: setting db_path, data/warehouse.duckdb)")
    parser.add_argument("--config", help="settings file (TOML); default $MA_CONFIG or ./config.toml")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"analytics.commands.{name}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        modules[module.NAME] = module
    return parser, modules


def _lower_priority(increment: int) -> None:
    # Only jobs the dashboard starts (they carry --job-id): on a small server the pages come
    # first. A job run by hand keeps the priority its caller chose.
    if increment and hasattr(os, "nice"):
        os.nice(increment)


def open_published(settings):
    """A read-only connection to the published snapshot, as the dashboard reads it: commands that
    write nothing are not jobs and never wait for one."""
    from analytics.core import warehouse

    snapshot = warehouse.current_snapshot(settings)
    if snapshot is None:
        raise CliError(
            f"no warehouse has been published at {settings.db_path}; "
            "build the demo with `python -m analytics demo` or import data"
        )
    return warehouse.open_reader(snapshot)


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every job command takes; the dashboard passes them when it launches a job."""
    parser.add_argument("--job-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--actor", default="cli", help="who runs the job (recorded with it)")


def check_warehouse_path(args: argparse.Namespace, db: Path) -> None:
    """Refuse a --db that names no warehouse before anything is created: only `demo` and
    `import --create` make a new one, so a mistyped path never becomes a new, empty warehouse
    (with folders, lock and app state) that a job then reports success on. `import --check`
    reads no warehouse and needs none."""
    from analytics.core import warehouse

    creates = args.command == "demo" or getattr(args, "create", False)
    if args.command == "import" and args.check and not creates:
        return
    state = warehouse.warehouse_state(db)
    if state == "folder":
        raise CliError(f"--db {db} is a folder; name the warehouse file in it, e.g. {db / 'warehouse.duckdb'}")
    if state == "not_duckdb":
        raise CliError(f"{db} is not a DuckDB warehouse; --db names the warehouse file")
    if state == "unreadable":
        raise CliError(f"cannot read the warehouse {db}")
    if state == "missing" and not creates:
        raise CliError(
            f"no warehouse at {db} (create one with `python -m analytics --db {db} demo` for the demo shop, "
            f"or `python -m analytics --db {db} import FILE --create` for your own data)"
        )
    if state == "missing" and (problem := warehouse.new_warehouse_problem(db)):
        raise CliError(f"cannot create a warehouse at {db}: {problem}")


def run_as_job(
    args: argparse.Namespace,
    settings: Settings,
    kind: str,
    fn: JobFn,
    *,
    params: dict | None = None,
    prepare: JobFn | None = None,
    label: str | None = None,
    show_progress: bool = True,
    queued: bool = True,
) -> JobResult:
    """Run ``fn`` as the command's job and return its result when it is done.

    Who runs it and the job row come from the job options (``--actor``, and ``--job-id`` when the
    dashboard queued the job; ``queued=False`` makes a new row, for a second job of one command).
    The progress bar goes to a terminal only; waiting for another job is said on stderr. A job
    that ends any other way than done raises JobFailed (``error: <label> job N <status>: ...``,
    exit status 1); ``label`` defaults to the command's name.
    """
    from analytics.core import jobs

    result = jobs.run_job(
        settings,
        kind,
        fn,
        params=params,
        actor=args.actor,
        job_id=args.job_id if queued else None,
        show_progress=show_progress and sys.stderr.isatty(),
        on_wait=lambda message: print(message, file=sys.stderr),
        prepare=prepare,
    )
    if result.status != "done":
        raise JobFailed(label or args.command, result)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, overrides={"db_path": args.db})
        check_warehouse_path(args, settings.db_path)
        if getattr(args, "job_id", None) is not None:
            _lower_priority(settings.job_nice)
        return int(modules[args.command].run(args, settings) or 0)
    except (CliError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except JobFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def spark_session(settings: Settings):
    """A Spark session on ``spark_master`` for a model job, started before the job takes the
    warehouse lock (like the models load), or a ``CliError`` naming what is missing."""
    from analytics.core.engines.spark_engine import SparkUnavailable, session

    try:
        return session(settings)
    except SparkUnavailable as exc:
        raise CliError(str(exc)) from exc
