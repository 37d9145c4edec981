"""The segmentation job's own writing statements, one a file in analytics/segment_sql/ (apart
from the page queries in analytics/sql, which run read-only on any published warehouse: these
write, and some read relations the job registers, e.g. ``new_user_segments``)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

SQL_DIR = Path(__file__).parent / "segment_sql"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.cache
def sql(name: str) -> str:
    """The text of ``analytics/segment_sql/<name>.sql``."""
    if not _NAME.match(name):
        raise ValueError(f"statement name '{name}' is not a plain snake_case name")
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no statement file {path}")
    return path.read_text(encoding="utf-8")
