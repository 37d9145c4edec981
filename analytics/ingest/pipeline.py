"""One import from start to end: inspect, detect, stage and check, then write in one transaction.

``import_file`` writes; ``preview_file`` runs the same steps on a scratch in-memory warehouse and
returns what would be written (the dashboard shows it before the user imports).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics.core import faults, queries, warehouse
from analytics.core.jobs import JobContext
from analytics.ingest import detect, writer
from analytics.ingest.formats import Format
from analytics.ingest.mapping import Mapping, load_mapping
from analytics.ingest.registry import FORMATS
from analytics.ingest.source import DEFAULT_LIMITS, Limits, SourceFile, folder_sha256, inspect_file
from analytics.ingest.staging import STAGE_TABLES, Staging, create_stage_tables, drop_temp_tables
from analytics.ingest.validate import IngestError, fail
from analytics.trust.access import CLI_ACTOR, Actor, require

INSPECT_SHARE, STAGE_SHARE = 0.4, 0.8  # progress: bytes read up to 40%, staged up to 80%, then written
KEYS = {"products": "product_id", "users": "user_id", "reviews": "review_id", "orders": "order_id"}


@dataclass(frozen=True)
class ImportResult:
    """What one import did. ``skipped``: this exact file was imported before, nothing changed."""

    format: str
    file_name: str
    file_sha256: str
    rows_read: int
    written: dict[str, int]  # table -> rows appended
    notes: dict[str, Any]  # deliberate choices with their counts (duplicates dropped, lines skipped, ...)
    import_id: int | None = None
    skipped: bool = False
    previous_import_id: int | None = None
    seconds: float = 0.0

    @property
    def rows_written(self) -> int:
        """Rows appended to all tables together."""
        return sum(self.written.values())

    def summary(self) -> dict[str, Any]:
        """Plain values for the job row and ``--json``."""
        return {
            "import_id": self.import_id,
            "format": self.format,
            "file": self.file_name,
            "sha256": self.file_sha256,
            "rows_read": self.rows_read,
            "written": self.written,
            "notes": self.notes,
            "skipped": self.skipped,
            "previous_import_id": self.previous_import_id,
            "seconds": round(self.seconds, 2),
        }

    def describe(self) -> str:
        """One line for people."""
        return describe(self.summary())


def describe(summary: dict[str, Any]) -> str:
    """One line for people from ``ImportResult.summary()`` (also what a finished import job stores)."""
    if summary.get("skipped"):
        return f"{summary['file']} was already imported (import {summary['previous_import_id']}); nothing changed"
    written = ", ".join(f"{n:,} {table}" for table, n in summary["written"].items() if n) or "nothing new"
    warnings = "".join(f"\nwarning: {w}" for w in summary.get("notes", {}).get("warnings", []))
    return (
        f"imported {summary['file']} as {summary['format']} (import {summary['import_id']}): "
        f"{summary['rows_read']:,} rows read; written {written} in {summary['seconds']:.1f}s{warnings}"
    )


@dataclass(frozen=True)
class Preview:
    """What importing a file would do, computed without touching the warehouse."""

    format: str | None
    detected: bool
    files: list[dict[str, Any]]
    file_sha256: str | None
    columns: pd.DataFrame  # file, source column, canonical column
    counts: dict[str, int] = field(default_factory=dict)  # staged rows per canonical table
    samples: dict[str, pd.DataFrame] = field(default_factory=dict)  # the first rows of each staged table
    notes: dict[str, Any] = field(default_factory=dict)
    rows_read: int = 0
    error: str | None = None  # the validation message; None when the file can be imported

    @property
    def ok(self) -> bool:
        """True when the file passed every check."""
        return self.error is None


Target = duckdb.DuckDBPyConnection | JobContext


def import_file(
    target: Target,
    path: str | Path,
    format: str | None = None,  # noqa: A002 - the command-line option's name
    mapping: str | Path | Mapping | None = None,
    *,
    actor: Actor = CLI_ACTOR,
    limits: Limits | None = None,
) -> ImportResult:
    """Import one file (or an Olist folder) into the warehouse behind ``target``.

    ``target`` is a job's context (the command line and the dashboard go through the job runner,
    with progress) or a migrated warehouse connection (tests, scripts). ``format`` is one of
    FORMATS, detected from the content when None; ``mapping`` (a file or a Mapping) is needed
    for ``csv``. Raises IngestError, naming file, line, column, expected and found, before
    anything is written; the write itself is one transaction. The same file twice changes nothing.
    ``limits`` default to the job's settings (max_price, max_quantity), or DEFAULT_LIMITS.
    """
    require(actor, "import_data")
    con, batch, report = _bind(target)
    started = time.monotonic()
    if limits is None:
        limits = Limits.from_settings(target.settings) if isinstance(target, JobContext) else DEFAULT_LIMITS
    staging = Staging(con, limits, report)
    try:
        fmt, sources, detected = _open(staging, Path(path), format, _as_mapping(mapping))
        sha = _fingerprint(sources, Path(path))
        previous = queries.one(con, "import_by_sha256", {"file_sha256": sha})
        if previous:
            report(1.0, f"{Path(path).name} was imported before (import {previous['import_id']})")
            return ImportResult(
                fmt.name, Path(path).name, sha, 0, {}, {}, None, True, previous["import_id"], time.monotonic() - started
            )
        _stage(staging, fmt, sources, _as_mapping(mapping))
        notes = {**_notes(staging, fmt, detected), **_duplicate_events(con)}
        report(STAGE_SHARE, f"writing {Path(path).name}")
        faults.point("import.after_staging")
        with batch({"file_sha256": sha}) as writer_con:
            import_id = int(queries.one(writer_con, "next_import_id")["import_id"])
            written, updated = writer.write(writer_con, import_id)
            notes |= _write_notes(staging, _distinct_events(staging, notes), written, updated)
            if fmt.write is not None:
                own_written, own_notes = fmt.write(staging, writer_con, import_id)
                written |= own_written
                notes |= own_notes
            writer.record(
                writer_con,
                import_id=import_id,
                source_format=fmt.name,
                file_name=Path(path).name,
                file_sha256=sha,
                rows_read=staging.rows_read,
                rows_written=sum(written.values()),
                actor=actor.name,
                notes=notes,
            )
        faults.point("import.after_commit")
        report(1.0, f"imported {Path(path).name}")
        return ImportResult(
            fmt.name,
            Path(path).name,
            sha,
            staging.rows_read,
            written,
            notes,
            import_id,
            seconds=time.monotonic() - started,
        )
    finally:
        drop_temp_tables(con)


def preview_file(
    path: str | Path,
    format: str | None = None,  # noqa: A002
    mapping: str | Path | Mapping | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    sample_rows: int = 10,
) -> Preview:
    """Detect, check and stage a file on a scratch in-memory warehouse: what an import would write.

    Never raises IngestError: a file that cannot be imported comes back with ``error`` set and
    whatever was learnt before the problem (format, files, column mapping).
    """
    con = warehouse.connect_memory()
    con.execute("set enable_progress_bar = false")
    staging = Staging(con, limits)
    fmt, sources, detected = None, [], False
    try:
        resolved = _as_mapping(mapping)
        fmt, sources, detected = _open(staging, Path(path), format, resolved)
        _stage(staging, fmt, sources, resolved)
        staged = {t: f"stage_{t}" for t in STAGE_TABLES} | dict(fmt.staged)
        counts = {t: staging.count(name) for t, name in staged.items()}
        samples = {
            t: con.execute(f"select * from {staged[t]} limit $n", {"n": sample_rows}).df()
            for t, n in counts.items()
            if n
        }
        notes = {**_notes(staging, fmt, detected), **_duplicate_events(con)}
        return Preview(
            fmt.name,
            detected,
            _file_rows(sources),
            _fingerprint(sources, Path(path)),
            _column_frame(fmt, sources, resolved),
            counts,
            samples,
            notes,
            staging.rows_read,
        )
    except IngestError as exc:
        columns = _column_frame(fmt, sources, _safe_mapping(mapping)) if fmt else _column_frame(None, [], None)
        return Preview(
            fmt.name if fmt else format,
            detected,
            _file_rows(sources),
            _fingerprint(sources, Path(path)) if sources else None,
            columns,
            error=str(exc),
        )
    finally:
        con.close()


# -- steps ---------------------------------------------------------------------------------------
def _open(staging: Staging, path: Path, format: str | None, mapping: Mapping | None) -> tuple[Format, list, bool]:  # noqa: A002
    """Inspect the file(s) byte by byte and settle the format."""
    if format is not None and format not in FORMATS:
        raise fail(path.name, f"a format among {', '.join(FORMATS)}", f"'{format}'")
    if path.is_dir():
        name = format or detect.detect_folder(path)
        fmt = FORMATS[name]
        if not fmt.folder:
            raise fail(path.name, f"a file for the {name} format", "a folder")
        return fmt, _inspect(staging, fmt.files(path)), format is None
    if format is not None and FORMATS[format].folder:
        raise fail(path.name, f"the folder that holds the {format} files", "a single file")
    sources = _inspect(staging, [path])
    if format is not None:
        detect.refuse_other_format(sources[0], format)
    fmt = FORMATS[format or detect.detect_file(sources[0], has_mapping=mapping is not None)]
    if fmt.precheck:
        fmt.precheck(sources, mapping)
    return fmt, sources, format is None


def _inspect(staging: Staging, paths: list[Path]) -> list[SourceFile]:
    total = sum(p.stat().st_size for p in paths if p.is_file()) or 1
    done_before, sources = 0, []
    for path in paths:

        def progress(done: int, size: int, before: int = done_before, name: str = path.name) -> None:
            staging.progress(INSPECT_SHARE * (before + done) / total, f"checking {name}")

        sources.append(inspect_file(path, staging.limits, progress))
        done_before += sources[-1].size
    return sources


def _stage(staging: Staging, fmt: Format, sources: list[SourceFile], mapping: Mapping | None) -> None:
    """Load, check and map the sources, then derive what the source lacks (sessions, orders, users)."""
    create_stage_tables(staging.con)
    staging.progress(INSPECT_SHARE, f"checking the values of {fmt.name} data")
    fmt.stage(staging, sources, mapping)
    con = staging.con
    con.execute(f"create or replace temp table ingest_sessions as {queries.sql('derive_sessions')}")
    staging.note(
        "sessions_derived_with_30_minute_gaps", staging.count("(select distinct session_id from ingest_sessions)")
    )
    con.execute(
        "update stage_events set session_id = s.session_id from ingest_sessions s where stage_events.rowid = s.rid"
    )
    unordered = "(select distinct session_id from stage_events where event_type = 'purchase' and order_id is null)"
    staging.note("orders_formed_from_sessions", staging.count(unordered, "session_id is not null"))
    con.execute(queries.sql("orders_by_session"))
    staging.insert("orders", "orders_from_events")
    staging.insert("users", "users_from_stage")
    staging.insert("products", "products_from_stage")
    _assert_unique_keys(con)
    staging.progress(STAGE_SHARE, "checked")


def _assert_unique_keys(con: duckdb.DuckDBPyConnection) -> None:
    # The staged tables must be unique on their keys before they are appended; a duplicate here
    # is a bug in a format's SQL, not a problem with the user's file.
    for table, key in KEYS.items():
        dupes = con.execute(f"select count(*) - count(distinct {key}) from stage_{table}").fetchone()[0]
        if dupes:
            raise RuntimeError(f"importer bug: stage_{table} has {dupes} repeated {key} values")


def _duplicate_events(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = con.execute(
        "select count(*) - (select count(*) from (select distinct * from stage_events)) from stage_events"
    ).fetchone()
    return {"duplicate_events_in_file": int(row[0])} if row[0] else {}


def _distinct_events(staging: Staging, notes: dict[str, Any]) -> int:
    return staging.count("stage_events") - notes.get("duplicate_events_in_file", 0)


def _notes(staging: Staging, fmt: Format, detected: bool) -> dict[str, Any]:
    notes = {"detected_format": detected, **staging.notes}
    if fmt.currency:
        notes["currency"] = fmt.currency
    return notes


def _write_notes(
    staging: Staging, distinct_events: int, written: dict[str, int], updated: dict[str, int]
) -> dict[str, Any]:
    notes = {
        "events_already_stored": distinct_events - written["events"],
        "reviews_already_stored": staging.count("stage_reviews") - written["reviews"],
        "orders_already_stored": staging.count("stage_orders") - written["orders"],
        **{f"{table}_updated": n for table, n in updated.items()},
    }
    return {k: v for k, v in notes.items() if v}


# -- helpers ---------------------------------------------------------------------------------------
@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _bind(target: Target) -> tuple[duckdb.DuckDBPyConnection, Callable, Callable[[float, str], None]]:
    if isinstance(target, JobContext):

        def report(fraction: float, message: str) -> None:
            target.progress(round(100 * fraction, 1), 100, message)

        return target.con, lambda checkpoint: target.batch(checkpoint=checkpoint), report
    return target, lambda checkpoint: _transaction(target), lambda fraction, message: None


def _as_mapping(mapping: str | Path | Mapping | None) -> Mapping | None:
    if mapping is None or isinstance(mapping, Mapping):
        return mapping
    return load_mapping(mapping)


def _safe_mapping(mapping: str | Path | Mapping | None) -> Mapping | None:
    try:
        return _as_mapping(mapping)
    except IngestError:
        return None


def _fingerprint(sources: list[SourceFile], path: Path) -> str:
    return folder_sha256(sources) if path.is_dir() else sources[0].sha256


def _file_rows(sources: list[SourceFile]) -> list[dict[str, Any]]:
    return [
        {"file": s.name, "bytes": s.size, "compression": s.compression, "text_bytes": s.text_bytes, "sha256": s.sha256}
        for s in sources
    ]


def _column_frame(fmt: Format | None, sources: list[SourceFile], mapping: Mapping | None) -> pd.DataFrame:
    rows = fmt.columns(sources, mapping) if fmt and sources else []
    return pd.DataFrame(rows, columns=["file", "source column", "canonical column"])
