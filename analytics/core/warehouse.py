"""The DuckDB warehouse: schema migrations, the writer connection and published snapshots.

One writer at a time (docs/ARCHITECTURE.md): only jobs open the primary file, one at a time
under the job lock (analytics.core.jobs). When a job ends it publishes an immutable copy of the
primary, a *snapshot*, and moves the ``CURRENT`` pointer to it atomically. The dashboard reads
snapshots only, read-only, so it never blocks a job and never sees a job's half-written work.

A job that commits writes the ``UNPUBLISHED`` marker first, and publishing removes it: a marker
left behind by a crashed job tells whoever comes next that the primary is ahead of the published
snapshot (docs/ARCHITECTURE.md, "What a crash leaves").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb

from analytics.core import faults
from models.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
DUCKDB_MAGIC = (8, b"DUCK")  # offset and bytes every DuckDB database file carries in its header


class WarehouseError(RuntimeError):
    """The warehouse is missing, unreadable or from an unknown schema version."""


@dataclass(frozen=True)
class Migration:
    id: int
    name: str
    sql: str


@dataclass(frozen=True)
class Snapshot:
    """A published, immutable copy of the warehouse."""

    seq: int
    path: Path
    published_at: str
    job_id: int | None


@dataclass(frozen=True)
class Unpublished:
    """What the marker says: a job committed to the primary and no snapshot holds that yet."""

    job_id: int | None
    kind: str
    owes_marts: bool  # canonical data changed after the last mart rebuild


def migrations() -> list[Migration]:
    """Every forward migration shipped with the code, in id order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise WarehouseError(f"{path}: migration files are named NNN_snake_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    ids = [m.id for m in found]
    if len(ids) != len(set(ids)):
        raise WarehouseError(f"duplicate migration ids in {MIGRATIONS_DIR}: {ids}")
    return found


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Session settings every connection needs: UTC so timestamps mean the same everywhere."""
    con.execute("set TimeZone = 'UTC'")
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this database lacks, each in its own transaction.

    Returns the ids applied. A database newer than the code (an applied id the code does not
    know) is refused rather than guessed at.
    """
    con.execute(
        "create table if not exists schema_migrations "
        "(id integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    applied = {row[0] for row in con.execute("select id from schema_migrations").fetchall()}
    known = {m.id for m in migrations()}
    unknown = applied - known
    if unknown:
        raise WarehouseError(
            f"the warehouse has migrations {sorted(unknown)} that this code does not know; "
            "upgrade the code before opening it"
        )
    done = []
    for migration in migrations():
        if migration.id in applied:
            continue
        con.begin()
        try:
            con.execute(migration.sql)
            con.execute(
                "insert into schema_migrations values ($id, $name, $at)",
                {"id": migration.id, "name": migration.name, "at": _utc_now()},
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
        done.append(migration.id)
    return done


def latest_migration() -> int:
    """The id of the newest migration this code ships: a snapshot below it predates the code's SQL."""
    return migrations()[-1].id


def missing_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The ids of this code's migrations the database has not applied. Compared as sets, not by the
    highest id: a migration may take a free number below the newest one."""
    try:
        applied = {row[0] for row in con.execute("select id from schema_migrations").fetchall()}
    except duckdb.CatalogException:
        applied = set()
    return sorted({m.id for m in migrations()} - applied)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration id (0 for an empty database)."""
    try:
        row = con.execute("select coalesce(max(id), 0) from schema_migrations").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0])


def connect_memory() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory warehouse with every migration applied (tests, scratch work)."""
    con = configure(duckdb.connect(":memory:"))
    migrate(con)
    return con


WarehouseState = Literal["warehouse", "missing", "folder", "not_duckdb", "unreadable"]


def warehouse_state(path: Path) -> WarehouseState:
    """What is at ``path``: a DuckDB warehouse file, nothing, a folder, another file, or a file this
    process may not read. Looks only: creates nothing, not even a parent folder."""
    if path.is_dir():
        return "folder"
    if not path.exists():
        return "missing"
    offset, magic = DUCKDB_MAGIC
    try:
        with open(path, "rb") as handle:
            header = handle.read(offset + len(magic))
    except OSError:
        return "unreadable"
    return "warehouse" if header[offset:] == magic else "not_duckdb"


def new_warehouse_problem(path: Path) -> str | None:
    """Why no warehouse can be created at ``path`` (nothing there yet), or None when one can.

    Tries to create (and drops) an unnamed temporary file in the nearest folder that exists, which
    is where the missing folders of ``path`` would be made: /proc, /sys and read-only folders say no.
    """
    folder = next(parent for parent in path.parents if parent.exists())
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        return f"{folder} does not accept new files ({exc.strerror})"
    return None


def open_writer(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Open the primary file read-write and bring its schema up to date.

    Call only while holding the job lock (analytics.core.jobs.job_lock).
    """
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    con = configure(duckdb.connect(str(settings.db_path)))
    migrate(con)
    return con


def close_writer(con: duckdb.DuckDBPyConnection) -> None:
    """Checkpoint (fold the write-ahead log into the file) and close."""
    con.execute("checkpoint")
    con.close()


def current_snapshot(settings: Settings) -> Snapshot | None:
    """The snapshot the dashboard should read, or None before the first publish."""
    try:
        data = json.loads(settings.snapshot_pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WarehouseError(f"{settings.snapshot_pointer} is corrupt: {exc}") from exc
    path = settings.snapshot_dir / data["file"]
    return Snapshot(int(data["seq"]), path, data["published_at"], data.get("job_id"))


def publish_snapshot(settings: Settings, job_id: int | None = None) -> Snapshot:
    """Copy the closed primary file to a new snapshot and point ``CURRENT`` at it.

    Every step is atomic (write to a temporary name, fsync, rename), so a crash leaves either
    the old pointer or the new one, never a half-copied snapshot behind the pointer.
    """
    wal = Path(f"{settings.db_path}.wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise WarehouseError(f"{wal} is not empty: the writer was not closed before publishing")
    settings.snapshot_dir.mkdir(parents=True, exist_ok=True)
    previous = current_snapshot(settings)
    seq = previous.seq + 1 if previous else 1
    final = settings.snapshot_dir / f"{seq:06d}.duckdb"
    tmp = final.with_name(f".{final.name}.tmp")
    shutil.copyfile(settings.db_path, tmp)
    _fsync(tmp)
    os.replace(tmp, final)
    snapshot = Snapshot(seq, final, _utc_now().isoformat(timespec="seconds"), job_id)
    pointer = {"seq": seq, "file": final.name, "published_at": snapshot.published_at, "job_id": job_id}
    faults.point("publish.after_copy")
    _atomic_write(settings.snapshot_pointer, json.dumps(pointer))
    unpublished_marker(settings).unlink(missing_ok=True)  # the snapshot holds everything committed
    faults.point("publish.after_swap")
    _remove_old_snapshots(settings, keep_from=seq - settings.snapshots_kept + 1)
    return snapshot


def unpublished_marker(settings: Settings) -> Path:
    """The marker file beside ``CURRENT``: there while the primary may be ahead of the snapshot."""
    return settings.snapshot_dir / "UNPUBLISHED"


def mark_unpublished(settings: Settings, job_id: int | None, kind: str, *, owes_marts: bool) -> None:
    """Say, before a job's commit, that the primary is about to be ahead of the published snapshot.

    Written before the commit so that a crash right after it still leaves the marker; a crash
    before it leaves a marker with nothing behind it, which costs the next job one needless publish.
    """
    settings.snapshot_dir.mkdir(parents=True, exist_ok=True)
    marker = {"job_id": job_id, "kind": kind, "owes_marts": owes_marts, "since": _utc_now().isoformat()}
    _atomic_write(unpublished_marker(settings), json.dumps(marker))


def unpublished(settings: Settings) -> Unpublished | None:
    """What a job committed and did not publish (the marker), or None when the snapshot is current.

    A marker that cannot be read is taken at its worst: something unpublished, marts owed.
    """
    try:
        data = json.loads(unpublished_marker(settings).read_text(encoding="utf-8"))
        return Unpublished(data.get("job_id"), str(data["kind"]), bool(data["owes_marts"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return Unpublished(None, "unknown", True)


def open_reader(snapshot: Snapshot, memory_limit: str = "", threads: int = 0) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published snapshot; ``memory_limit`` (e.g. "3GB") and ``threads``
    cap DuckDB for a long-lived reader such as the dashboard's (settings page_memory_limit,
    page_threads); empty and 0 keep DuckDB's defaults."""
    if not snapshot.path.is_file():
        raise WarehouseError(f"snapshot {snapshot.path} is missing")
    con = configure(duckdb.connect(str(snapshot.path), read_only=True))
    # Set after connecting, not as connect() config: a process may hold other connections to the
    # same file, and DuckDB refuses a second connection with a different configuration.
    if memory_limit:
        con.execute("set memory_limit = $limit", {"limit": memory_limit})
    if threads:
        con.execute("set threads = $threads", {"threads": threads})
    return con


def _remove_old_snapshots(settings: Settings, keep_from: int) -> None:
    # Readers that still hold an old snapshot keep reading it: on POSIX an unlinked file
    # lives until its last open handle is closed.
    for path in settings.snapshot_dir.glob("*.duckdb"):
        if path.stem.isdigit() and int(path.stem) < keep_from:
            path.unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
