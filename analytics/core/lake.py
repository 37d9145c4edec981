"""The lake: the warehouse's canonical tables as Parquet under ``lake_path``, which DuckDB and
Spark both read in place.

Layout (hive style, so any Parquet reader finds the partitions)::

    <lake>/_manifest.json                                   what is published, per partition
    <lake>/events/day=2019-10-01/part-<content>.parquet     events by day of event_time
    <lake>/reviews/day=2019-10-01/part-<content>.parquet    reviews by day of created_at
    <lake>/reviews/day=__HIVE_DEFAULT_PARTITION__/...       rows without a day (Hive's name for null)
    <lake>/products/part-<content>.parquet                  small tables whole

The manifest is the commit point. ``sync`` writes a table's changed partitions in one pass into a
staging folder no reader looks in, renames each partition's file into place under a name derived
from its content, then replaces the manifest (also by rename), and only then removes files the
manifest no longer names. Readers take the file list from the manifest, so a sync killed at any
moment leaves readers on the old lake, every partition file whole; the next sync removes what the
killed one left.

Change detection: per partition, its row count and a content fingerprint (the sum of DuckDB's
row hashes, which does not depend on row order), kept in the manifest and compared with the
warehouse's. A DuckDB upgrade that changed its hash would make one sync rewrite every partition:
the safe direction. Only local folders are written and read here (a cluster mounts one shared folder);
a URI ``lake_path`` is Spark's alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from analytics.core import faults, queries
from models.settings import Settings

# Canonical tables and the timestamp whose day partitions them (None: written whole).
TABLES: dict[str, str | None] = {
    "events": "event_time",
    "reviews": "created_at",
    "searches": "searched_at",
    "orders": "ordered_at",
    "products": None,
    "users": None,
    "review_orders": None,
    "product_documents": None,
    "product_qa": None,
    "campaign_sends": None,
    "imports": None,
}
MANIFEST = "_manifest.json"
MANIFEST_FORMAT = 1
NULL_DAY = "__HIVE_DEFAULT_PARTITION__"
WHOLE = "all"  # the one partition key of a table written whole
_URI_SCHEMES = ("s3a://", "s3://", "gs://", "abfss://", "hdfs://", "file://")

_TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]*(\(\d+(, ?\d+)?\))?(\[\])?$")

Progress = Callable[[int, int, str], None]


class LakeError(RuntimeError):
    """The lake cannot be read or written; the message names the setting, file or column."""


@dataclass(frozen=True)
class Partition:
    rows: int
    fingerprint: str

    def content_name(self, schema: list[list[str]]) -> str:
        """part-<16 hex digits of the content>: a rewritten partition gets a new name."""
        digest = hashlib.sha256(json.dumps([self.rows, self.fingerprint, schema]).encode()).hexdigest()
        return f"part-{digest[:16]}"


def root(settings: Settings) -> Path:
    """The lake's local folder; LakeError for an object-store URI, which only Spark reads."""
    lake = settings.lake
    if lake.startswith(_URI_SCHEMES):
        raise LakeError(
            f"lake_path = {lake!r} is an object-store URI: the lake's manifest and partitions are written "
            "to a folder (mount the bucket, or a shared folder, and give its path)"
        )
    return Path(lake)


def check_writable(settings: Settings) -> Path:
    """The lake folder, created if missing; LakeError naming ``lake_path`` when it cannot be written."""
    folder = root(settings)
    probe = folder / f".write-probe-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise LakeError(f"lake_path = {str(folder)!r} is not writable: {exc}") from exc
    return folder


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The published manifest, or None when the lake was never synced."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise LakeError(f"lake manifest {path} cannot be read: {exc}") from exc
    if manifest.get("format") != MANIFEST_FORMAT:
        found = manifest.get("format")
        raise LakeError(f"lake manifest {path} has format {found!r}; this code reads {MANIFEST_FORMAT}")
    return manifest


def warehouse_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> list[str]:
    """The lake's tables this warehouse holds (all, or those of ``tables``), in TABLES order."""
    existing = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    wanted = set(TABLES) if tables is None else set(tables)
    return [table for table in TABLES if table in existing and table in wanted]


def schema_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[list[str]]:
    """[[column, type], ...] of a table, view or ``read_parquet(...)`` expression."""
    return [[name, kind] for name, kind, *_ in con.execute(f"describe select * from {relation}").fetchall()]


def partitions(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, Partition]:
    """Row count and fingerprint per partition of ``table`` (a warehouse table or a lake view)."""
    name = queries.identifier(table, TABLES)
    rows = con.execute(
        f"select {_partition_key(table)} as part, count(*), sum(hash(t)::hugeint)::varchar from {name} t group by all"
    ).fetchall()
    return {key: Partition(count, fingerprint) for key, count, fingerprint in rows}


def sync(con: duckdb.DuckDBPyConnection, settings: Settings, progress: Progress | None = None) -> dict[str, int]:
    """Bring the lake up to the warehouse: write the partitions whose content changed (or whose
    file is missing or drifted), publish the manifest, then remove what it no longer names."""
    folder = check_writable(settings)
    old = read_manifest(folder) or {"tables": {}}
    tables = warehouse_tables(con)
    counts = {"partitions_written": 0, "partitions_kept": 0, "partitions_removed": 0, "rows_written": 0}
    published: dict[str, Any] = {}
    for done, table in enumerate(tables):
        if progress:
            progress(done, len(tables), f"syncing {table}")
        published[table] = _sync_table(con, folder, table, old["tables"].get(table), counts)
    for table, entry in old["tables"].items():
        still = published.get(table, {}).get("partitions", {})
        counts["partitions_removed"] += len(set(entry["partitions"]) - set(still))
    _write_manifest(folder, {"format": MANIFEST_FORMAT, "tables": published})
    _remove_unlisted(folder, published)
    if progress:
        progress(len(tables), len(tables), "lake in sync")
    return counts | {"tables": len(tables)}


def _sync_table(
    con: duckdb.DuckDBPyConnection, folder: Path, table: str, old: dict[str, Any] | None, counts: dict[str, int]
) -> dict[str, Any]:
    schema = schema_of(con, queries.identifier(table, TABLES))
    kept = old["partitions"] if old and old["schema"] == schema else {}
    entries, changed = {}, {}
    for key, partition in sorted(partitions(con, table).items()):
        previous = kept.get(key)
        same = previous and Partition(previous["rows"], previous["fingerprint"]) == partition
        if same and not any(_file_problem(con, folder / name, schema) for name in previous["files"]):
            entries[key] = previous
        else:
            changed[key] = partition
    if changed:
        entries |= _write_partitions(con, folder, table, changed, schema)
    counts["partitions_kept"] += len(entries) - len(changed)
    counts["partitions_written"] += len(changed)
    counts["rows_written"] += sum(partition.rows for partition in changed.values())
    return {"partition_by": TABLES[table], "schema": schema, "partitions": dict(sorted(entries.items()))}


def _write_partitions(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    table: str,
    changed: dict[str, Partition],
    schema: list[list[str]],
) -> dict[str, dict[str, Any]]:
    """Write the ``changed`` partitions in one pass over the table into a staging folder no reader
    looks in (dot first), then rename each partition's files into place."""
    staging = folder / f".staging-{uuid.uuid4().hex}"
    name = queries.identifier(table, TABLES)
    key = _partition_key(table)
    try:
        if TABLES[table] is None:
            staging.mkdir()
            target = _quoted_path(staging / "data_0.parquet")
            con.execute(f"copy (select * from {name} t) to '{target}' (format parquet)")
        else:
            # The key is an extra column that PARTITION_BY turns into the day=... folders, not a file column.
            con.execute(
                f"copy (select *, {key} as day from {name} t where list_contains($keys, {key})) "
                f"to '{_quoted_path(staging)}' (format parquet, partition_by (day))",
                {"keys": sorted(changed)},
            )
        return {k: _publish_partition(folder, staging, table, k, partition, schema) for k, partition in changed.items()}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish_partition(
    folder: Path, staging: Path, table: str, key: str, partition: Partition, schema: list[list[str]]
) -> dict[str, Any]:
    relative = Path(table) if TABLES[table] is None else Path(table, f"day={key}")
    staged = sorted((staging if TABLES[table] is None else staging / f"day={key}").glob("*.parquet"))
    (folder / relative).mkdir(parents=True, exist_ok=True)
    stem = partition.content_name(schema)
    names = [str(relative / f"{stem}-{number}.parquet") for number in range(len(staged))]
    for source, target in zip(staged, names, strict=True):
        os.replace(source, folder / target)  # atomic: a reader of the folder sees no half file
    faults.point("lake.after_partition")
    return {"rows": partition.rows, "fingerprint": partition.fingerprint, "files": names}


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    temporary = folder / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / MANIFEST)


def _remove_unlisted(folder: Path, manifest_tables: dict[str, Any]) -> None:
    # Old versions of rewritten partitions, days gone from the warehouse, and what a killed sync left.
    for leftover in [*folder.glob(".staging-*"), *folder.glob(f".{MANIFEST}.*.tmp")]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    listed = {
        folder / name
        for table in manifest_tables.values()
        for entry in table["partitions"].values()
        for name in entry["files"]
    }
    for table in TABLES:  # never a name read from the manifest: only the lake's own folders are cleaned
        base = folder / table
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*"), reverse=True):  # files before the folders holding them
            if path.is_file() and path not in listed:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if not any(base.iterdir()):
            base.rmdir()


def out_of_sync(con: duckdb.DuckDBPyConnection, settings: Settings, tables: Iterable[str]) -> str | None:
    """None when the lake's manifest matches the warehouse for ``tables`` (schema, and per partition
    its rows and fingerprint); else why not, in a few words."""
    try:
        manifest = read_manifest(root(settings))
    except LakeError as exc:
        return str(exc)
    if manifest is None:
        return f"no lake at {settings.lake} (run lake-sync)"
    for table in warehouse_tables(con, tables):
        entry = manifest["tables"].get(table)
        if entry is None:
            return f"{table} is not in the lake"
        if entry["schema"] != schema_of(con, queries.identifier(table, TABLES)):
            return f"{table}'s columns changed since the last lake-sync"
        have = {key: Partition(p["rows"], p["fingerprint"]) for key, p in entry["partitions"].items()}
        if have != partitions(con, table):
            return f"{table} changed since the last lake-sync"
    return None


def files(settings: Settings, manifest: dict[str, Any], table: str) -> list[Path]:
    """The partition files of ``table`` the manifest publishes, in partition order."""
    folder = root(settings)
    partitions = manifest["tables"][table]["partitions"]
    return [folder / name for _, entry in sorted(partitions.items()) for name in entry["files"]]


def check_files(settings: Settings, manifest: dict[str, Any], tables: Iterable[str]) -> None:
    """LakeError naming the partition file and the column when a file is missing or its schema
    is not the one the manifest records (a column's type changed, or a column is missing)."""
    probe = duckdb.connect()
    try:
        for table in tables:
            schema = manifest["tables"][table]["schema"]
            for path in files(settings, manifest, table):
                if problem := _file_problem(probe, path, schema):
                    raise LakeError(f"lake partition {path}: {problem} (run lake-sync to rewrite it)")
    finally:
        probe.close()


def _file_problem(con: duckdb.DuckDBPyConnection, path: Path, schema: list[list[str]]) -> str | None:
    if not path.is_file():
        return "the file is missing"
    try:
        found = dict(schema_of(con, f"read_parquet('{_quoted_path(path)}', hive_partitioning = false)"))
    except duckdb.Error as exc:
        return f"not a readable Parquet file ({exc})"
    for column, kind in schema:
        if column not in found:
            return f"column '{column}' is missing (expected {kind})"
        if found[column] != kind:
            return f"column '{column}' is {found[column]}, expected {kind}"
    extra = sorted(set(found) - {column for column, _ in schema})
    return f"column '{extra[0]}' is not in the table" if extra else None


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, tables: Iterable[str] | None = None) -> list[str]:
    """Create a view per lake table on ``con`` that reads the published partitions in place
    (read_parquet with hive partitioning); the tables attached. LakeError for a lake never synced
    or a partition file that drifted."""
    manifest = read_manifest(root(settings))
    if manifest is None:
        raise LakeError(f"no lake at {settings.lake}: run `python -m analytics lake-sync` first")
    chosen = [t for t in manifest["tables"] if t in TABLES and (tables is None or t in set(tables))]
    check_files(settings, manifest, chosen)
    for table in chosen:
        view = queries.identifier(table, TABLES)
        con.execute(f"create or replace view {view} as {_lake_select(settings, manifest, table)}")
    return chosen


def _lake_select(settings: Settings, manifest: dict[str, Any], table: str) -> str:
    # Column names and types come from the manifest the sync wrote from the warehouse's catalogue.
    schema = manifest["tables"][table]["schema"]
    columns = ", ".join(_column(column) for column, _ in schema)
    paths = files(settings, manifest, table)
    if not paths:  # an empty table has no partition file: its typed, empty shape
        typed = ", ".join(f"cast(null as {_type(kind)}) as {_column(column)}" for column, kind in schema)
        return f"select {typed} where false"
    listed = ", ".join(f"'{_quoted_path(path)}'" for path in paths)
    return f"select {columns} from read_parquet([{listed}], hive_partitioning = true)"


def differences(warehouse_con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """How the lake, read in place, differs from the warehouse, table for table and partition by
    partition (rows and content); [] when they are equal."""
    lake_con = duckdb.connect()
    try:
        in_lake = set(attach(lake_con, settings))
        found = []
        for table in warehouse_tables(warehouse_con):
            if table not in in_lake:
                found.append(f"{table}: not in the lake")
                continue
            want, have = partitions(warehouse_con, table), partitions(lake_con, table)
            found += [_difference(table, key, have.get(key), want.get(key)) for key in sorted(set(want) | set(have))]
        return [line for line in found if line]
    finally:
        lake_con.close()


def _difference(table: str, key: str, have: Partition | None, want: Partition | None) -> str | None:
    where = table if key == WHOLE else f"{table} day={key}"
    if have == want:
        return None
    if have is None or want is None:
        return f"{where}: only in the {'warehouse' if have is None else 'lake'}"
    if have.rows != want.rows:
        return f"{where}: {have.rows:,} rows in the lake, {want.rows:,} in the warehouse"
    return f"{where}: same row count, different content"


def _partition_key(table: str) -> str:
    column = TABLES[table]
    if column is None:
        return f"'{WHOLE}'"
    # Column names are TABLES literals.
    return f"coalesce(strftime(cast(t.{column} as date), '%Y-%m-%d'), '{NULL_DAY}')"


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _type(kind: str) -> str:
    # The manifest is a file anyone with the folder can edit: only a type name enters SQL.
    if not _TYPE_NAME.match(kind):
        raise LakeError(f"lake manifest: {kind!r} is not a column type")
    return kind


def _quoted_path(path: Path | str) -> str:
    text = str(path)
    if "'" in text:
        raise LakeError(f"lake_path must not contain a quote: {text!r}")
    return text
