"""The importers' own SQL, one statement a file in analytics/ingest/sql/ (apart from the page
queries in analytics/sql, which run on any published warehouse: these read staging tables)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.cache
def sql(name: str) -> str:
    """The text of ``analytics/ingest/sql/<name>.sql``."""
    if not _NAME.match(name):
        raise ValueError(f"statement name '{name}' is not a plain snake_case name")
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no statement file {path}")
    return path.read_text(encoding="utf-8")


def one(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A single-row statement's result as a dict of column name to value ({} when no row)."""
    cursor = con.execute(sql(name), dict(params or {}))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}
