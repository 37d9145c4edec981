"""Option helpers the commands share: a numeric option whose help says its default, dates."""

from __future__ import annotations

import argparse
from datetime import date

from analytics.cli import CliError


def number_option(
    parser: argparse.ArgumentParser, flag: str, kind: type, default: float, metavar: str, what: str
) -> None:
    """Add ``flag`` of type ``kind`` with ``default``; its help is ``what`` followed by the default,
    so the help text and the value used cannot drift apart."""
    parser.add_argument(flag, type=kind, default=default, metavar=metavar, help=f"{what} (default {default})")


def day(text: str, flag: str) -> date:
    """A YYYY-MM-DD option value; CliError naming ``flag`` otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag} must be a date like 2026-03-31 (got '{text}')") from None
