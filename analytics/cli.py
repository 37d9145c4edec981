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

from models.settings import SettingsError, load_settings

COMMANDS = (
    "demo",
    "status",
    "jobs",
    "import_data",
    "refresh_marts",
    "save_audience",
    "sentiment",
    "train_sentiment",
    "segment",
    "draft",
    "recommend",
    "plan",
    "campaigns",
    "results",
    "send_list",
)


class CliError(Exception):
    """Bad input on the command line: printed as ``error: ...``, exit status 2."""


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


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, overrides={"db_path": args.db})
        if getattr(args, "job_id", None) is not None:
            _lower_priority(settings.job_nice)
        return int(modules[args.command].run(args, settings) or 0)
    except (CliError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
