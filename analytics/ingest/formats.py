"""The registry of import formats: what each is called, what it reads and how it stages it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

StageFn = Callable[[Staging, Sequence[SourceFile], Any], None]
ColumnsFn = Callable[[Sequence[SourceFile], Any], list[tuple[str, str, str]]]
# (staging, writer connection, import id) -> (rows appended per table, notes)
WriteFn = Callable[[Staging, duckdb.DuckDBPyConnection, int], tuple[dict[str, int], dict[str, Any]]]


@dataclass(frozen=True)
class Format:
    """One source format.

    ``stage(staging, sources, mapping)`` loads and checks ``sources`` and fills the staged
    canonical tables. ``columns(sources, mapping)`` lists ``(file, source column, canonical
    column)`` for the preview. A format with ``files`` reads a folder (``files(folder)`` lists
    the files it needs); the others read one file. ``precheck(sources, mapping)`` raises
    IngestError for problems found without reading the data (a mapping naming missing columns),
    before even the already-imported check. ``write(staging, con, import_id)`` writes tables
    other than the canonical ones (a send log's campaign_sends) inside the import's transaction,
    after checking the staged rows against what the warehouse holds (IngestError rolls it all
    back); the preview, which has no warehouse, runs ``stage`` only.
    """

    name: str
    description: str
    currency: str | None
    stage: StageFn
    columns: ColumnsFn
    files: Callable[[Path], list[Path]] | None = None
    precheck: Callable[[Sequence[SourceFile], Any], None] | None = None  # cheap checks run before anything else
    write: WriteFn | None = None
    # (table, temporary table) pairs a format stages besides the canonical stage_* tables, so the
    # preview counts and shows them (names are the format's literals)
    staged: tuple[tuple[str, str], ...] = ()

    @property
    def folder(self) -> bool:
        """True for formats that read a folder of files."""
        return self.files is not None
