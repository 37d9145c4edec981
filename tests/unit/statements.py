"""The check behind "every statement file runs in its job's tests": which files a job loaded.

Writing statements (and, in the ingest and demo folders, queries over the staging tables those
jobs register) cannot run on their own; each job's tests record the query files it loads and
compare them with its folder. tests/test_conventions.py makes sure every folder with such files
has that check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.core import queries

WRITING_VERBS = ("insert", "update", "delete", "create")


def writes(path: Path) -> bool:
    """Whether a SQL file is a writing statement (a job's own), not a read query."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = " ".join(line for line in lines if not line.lstrip().startswith("--"))
    return body.split(None, 1)[0].lower() in WRITING_VERBS


def job_statements(package: str, *, every_file: bool = False) -> set[str]:
    """Names of the writing statement files of ``analytics/<package>/sql`` (every file with ``every_file``)."""
    folder = queries.ANALYTICS_DIR / package / "sql"
    return {p.stem for p in folder.glob("*.sql") if every_file or writes(p)}


def record(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the query files loaded from now on, to the end of the test."""
    used: set[str] = set()
    real = queries.sql.__wrapped__
    monkeypatch.setattr(queries, "sql", lambda name: used.add(name) or real(name))
    return used
