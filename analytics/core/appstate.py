"""Operational state (job runs, audit log, campaign drafts) in a small SQLite file.

Why not the DuckDB warehouse: DuckDB lets one process write a file at a time, and the
warehouse's writer is whichever job holds the job lock for minutes. Job progress, cancel
requests, audit entries and drafts must be written by the server and by command-line jobs
at any moment, a few rows at a time. SQLite in WAL mode is built for exactly that: many
processes, short transactions, readers never blocked by the writer.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.trust.privacy import mask_pii
from models.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "app_migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_migrated: set[Path] = set()


@contextmanager
def connect(settings: Settings) -> Iterator[sqlite3.Connection]:
    """A short-lived connection; the block is one transaction, committed on success."""
    path = settings.app_db_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    try:
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=30000")
        if path.resolve() not in _migrated:
            _migrate(con)
            _migrated.add(path.resolve())
        con.execute("begin immediate")
        try:
            yield con
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def record_audit(settings: Settings, actor: str, role: str, action: str, target: str, **details: Any) -> None:
    """Append one entry to the audit log: who did what to what, and when.

    Details (offers, audience descriptions, file names) are free text a person typed; they are
    masked before they are stored, because the audit log outlives every page that shows it. The
    actor stays as signed in: knowing who acted is the point of the log."""
    with connect(settings) as con:
        con.execute(
            "insert into audit_log (at, actor, role, action, target, details) values (?, ?, ?, ?, ?, ?)",
            (utc_now(), actor, role, action, target, to_json(_masked(details))),
        )


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def read_audit(settings: Settings, limit: int = 200) -> list[dict[str, Any]]:
    """The newest audit entries first."""
    with connect(settings) as con:
        rows = con.execute("select * from audit_log order by audit_id desc limit ?", (limit,)).fetchall()
    return [dict(r) for r in rows]


def _migrate(con: sqlite3.Connection) -> None:
    con.execute("create table if not exists app_migrations (id integer primary key, name text, applied_at text)")
    # begin immediate takes the write lock first, so two processes starting at once do not
    # both apply the same migration; SQLite DDL is transactional.
    con.execute("begin immediate")
    try:
        applied = {r[0] for r in con.execute("select id from app_migrations")}
        for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
            match = _NAME.match(path.name)
            if not match:
                raise RuntimeError(f"{path}: app migrations are named NNN_snake_name.sql")
            if int(match[1]) in applied:
                continue
            for statement in _statements(path.read_text(encoding="utf-8")):
                con.execute(statement)
            con.execute("insert into app_migrations values (?, ?, ?)", (int(match[1]), match[2], utc_now()))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _statements(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
