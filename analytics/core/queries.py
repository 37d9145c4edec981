"""The one SQL loader: every named ``.sql`` file under ``analytics/<package>/sql/``, run with bound
parameters.

One query, one file, one name. Each domain package keeps its queries in its own ``sql/`` folder;
names are unique across all of them (checked when the index is built), so a caller names a query
without saying where it lives. Values are always bound (``$name``); an identifier that must enter
SQL text comes from an allow-list through ``identifier``. Migrations are not queries: they live in
``core/migrations`` and ``core/app_migrations`` and are run by the warehouse and app state.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

ANALYTICS_DIR = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def sql_dirs() -> list[Path]:
    """Every ``sql/`` folder of the analytics packages, in a fixed order."""
    return sorted(p for p in ANALYTICS_DIR.glob("*/sql") if p.is_dir())


@functools.cache
def index() -> dict[str, Path]:
    """Query name -> file, over every SQL folder; two files of one name are an error."""
    found: dict[str, Path] = {}
    for folder in sql_dirs():
        for path in sorted(folder.glob("*.sql")):
            if path.stem in found:
                raise RuntimeError(f"query name '{path.stem}' is used twice: {found[path.stem]} and {path}")
            found[path.stem] = path
    return found


@functools.cache
def sql(name: str) -> str:
    """The text of the query file ``<name>.sql``, wherever its package keeps it."""
    if not _NAME.match(name):
        raise ValueError(f"query name '{name}' is not a plain snake_case name")
    path = index().get(name)
    if path is None:
        raise FileNotFoundError(f"no query file {name}.sql in {', '.join(str(d) for d in sql_dirs())}")
    return path.read_text(encoding="utf-8")


def frame(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run a named query and return its result as a DataFrame."""
    return con.execute(sql(name), dict(params or {})).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
    """Run a named query and return its rows as tuples."""
    return con.execute(sql(name), dict(params or {})).fetchall()


def one(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A single-row query as a dict of column name to value ({} when no row)."""
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
