"""Run the named SQL files in analytics/sql/ with bound parameters.

One query, one file, one name. Values are always bound (``$name``); an identifier that must
enter SQL text comes from an allow-list through ``identifier``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.cache
def sql(name: str) -> str:
    """The text of ``analytics/sql/<name>.sql``."""
    if not _NAME.match(name):
        raise ValueError(f"query name '{name}' is not a plain snake_case name")
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


def frame(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run a named query and return its result as a DataFrame."""
    return con.execute(sql(name), dict(params or {})).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
    return con.execute(sql(name), dict(params or {})).fetchall()


def one(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A single-row query as a dict of column name to value."""
    cursor = con.execute(sql(name), dict(params or {}))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else {}


def identifier(name: str, allowed: Iterable[str]) -> str:
    """Quote an identifier for SQL text, only if it is on the allow-list."""
    allowed = tuple(allowed)
    if name not in allowed:
        raise ValueError(f"'{name}' is not one of the allowed names: {', '.join(allowed)}")
    return '"' + name.replace('"', '""') + '"'
