"""Column mappings for the generic CSV importer: which source column feeds which canonical column.

A mapping is a small TOML (or JSON) file; docs/IMPORTING.md describes it and
docs/mappings/womens_clothing_reviews.toml is a complete example::

    table = "reviews"                 # reviews or events
    review_id_prefix = "wcr-"         # optional: keeps this source's ids apart from others
    time_format = "%d/%m/%Y %H:%M"    # optional strptime format, or "unix"; default ISO 8601
    timezone = "Europe/Berlin"        # optional: the zone the times are in; default UTC

    [columns]                         # canonical column = "source column header"
    product_id = "Clothing ID"

    [constants]                       # canonical column = value for every row
    language = "en"

    [products]                        # optional product attributes; several columns join with "."
    category = ["Department Name", "Class Name"]

    [event_types]                     # events only: source value = canonical event type
    add_to_cart = "cart"

Mistakes are reported with the mapping file's name and the key that is wrong.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from analytics.ingest.staging import resembles
from analytics.ingest.validate import IngestError, Problem, fields

EVENT_TYPES = ("view", "cart", "remove_from_cart", "purchase", "refund", "wishlist")
TABLES = {
    "events": (
        "event_time",
        "event_type",
        "user_id",
        "session_id",
        "product_id",
        "quantity",
        "price",
        "currency",
        "order_id",
        "traffic_source",
        "device",
    ),
    "reviews": ("review_id", "user_id", "product_id", "order_id", "rating", "title", "text", "created_at", "language"),
}
REQUIRED = {"events": ("event_time", "event_type"), "reviews": ()}
PRODUCT_ATTRIBUTES = ("title", "category", "brand", "price")
KEYS = ("table", "review_id_prefix", "time_format", "timezone", "columns", "constants", "products", "event_types")


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file (see the module docstring)."""

    file: str
    table: str
    columns: dict[str, str]
    constants: dict[str, str] = field(default_factory=dict)
    products: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_types: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None
    timezone: str = "UTC"
    review_id_prefix: str = ""

    def source_columns(self) -> list[str]:
        """Every column of the CSV the mapping reads."""
        used = list(self.columns.values()) + [c for cols in self.products.values() for c in cols]
        return list(dict.fromkeys(used))


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file; IngestError naming the file and the key that is wrong."""
    path = Path(path)
    data = _read(path)
    problems = _shape_problems(path.name, data)
    if problems:
        raise IngestError(problems)
    mapping = Mapping(
        file=path.name,
        table=data["table"],
        columns=dict(data.get("columns", {})),
        constants={k: str(v) for k, v in data.get("constants", {}).items()},
        products={k: tuple([v] if isinstance(v, str) else v) for k, v in data.get("products", {}).items()},
        event_types=dict(data.get("event_types", {})),
        time_format=data.get("time_format"),
        timezone=data.get("timezone", "UTC"),
        review_id_prefix=data.get("review_id_prefix", ""),
    )
    _check_timezone(mapping)
    return mapping


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise IngestError([Problem(path.name, "a mapping file (TOML or JSON)", "no such file")])
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise IngestError([Problem(path.name, "a TOML (or .json) mapping file", f"unreadable text: {exc}")]) from None
    if not isinstance(data, dict):
        raise IngestError([Problem(path.name, "a table of settings", f"a {type(data).__name__}")])
    return data


def _shape_problems(file: str, data: dict[str, Any]) -> list[Problem]:
    def problem(key: str, expected: str, found: Any) -> Problem:
        return Problem(file, expected, found if isinstance(found, str) else repr(found), column=key)

    problems = [problem(k, f"one of the keys {', '.join(KEYS)}", f"'{k}'") for k in data if k not in KEYS]
    table = data.get("table")
    if table not in TABLES:
        return [*problems, problem("table", f"one of {', '.join(TABLES)}", table if table else "nothing")]
    allowed = TABLES[table]
    for section in ("columns", "constants", "products", "event_types"):
        if not isinstance(data.get(section, {}), dict):
            problems.append(problem(section, "a table of name = value pairs", data[section]))
    if problems:
        return problems
    columns, constants = data.get("columns", {}), data.get("constants", {})
    for name, source in columns.items():
        if name not in allowed:
            problems.append(problem(f"columns.{name}", f"a column of {table}: {', '.join(allowed)}", f"'{name}'"))
        elif not isinstance(source, str) or not source:
            problems.append(problem(f"columns.{name}", "the header of a source column", source))
    for name in constants:
        if name not in allowed or name in columns:
            expected = f"a column of {table} not also under [columns]: {', '.join(allowed)}"
            problems.append(problem(f"constants.{name}", expected, f"'{name}'"))
    for name, source in data.get("products", {}).items():
        if name not in PRODUCT_ATTRIBUTES:
            problems.append(problem(f"products.{name}", f"one of {', '.join(PRODUCT_ATTRIBUTES)}", f"'{name}'"))
        elif not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            problems.append(problem(f"products.{name}", "a column header or a list of them", source))
    for value, target in data.get("event_types", {}).items():
        if target not in EVENT_TYPES:
            problems.append(problem(f"event_types.{value}", f"one of {', '.join(EVENT_TYPES)}", f"'{target}'"))
    for name in REQUIRED[table]:
        if name not in columns:
            problems.append(problem(f"columns.{name}", f"a source column for {table}.{name}", "nothing"))
    if table == "reviews" and not ({"rating", "text"} & set(columns)):
        problems.append(problem("columns", "a source column for reviews.rating or reviews.text", "neither"))
    if data.get("products") and "product_id" not in columns:
        problems.append(problem("products", "a source column for product_id when [products] is given", "none"))
    return problems


def _check_timezone(mapping: Mapping) -> None:
    try:
        duckdb.connect().execute("select timezone($tz, timestamp '2020-01-01')", {"tz": mapping.timezone})
    except duckdb.Error:
        raise IngestError(
            [
                Problem(
                    mapping.file,
                    "a time zone name such as 'UTC' or 'Europe/Berlin'",
                    f"'{mapping.timezone}'",
                    column="timezone",
                )
            ]
        ) from None


def missing_columns(mapping: Mapping, header: Sequence[str], csv_file: str) -> list[Problem]:
    """Source columns the mapping names that the CSV file does not have."""
    problems = []
    keys = {source: f"columns.{name}" for name, source in mapping.columns.items()}
    keys |= {source: f"products.{name}" for name, sources in mapping.products.items() for source in sources}
    wanted = mapping.source_columns()
    close = {source: difflib.get_close_matches(source, header, n=1, cutoff=0.6) for source in wanted}
    if not resembles(header, wanted, close):
        found = f"a first line with none of the mapping's columns ({fields(len(header))}): a file of another kind?"
        return [Problem(csv_file, f"the columns {mapping.file} names", found, 1)]
    for source in wanted:
        if source in header:
            continue
        hint = f" (did you mean '{close[source][0]}'?)" if close[source] else ""
        problems.append(
            Problem(
                mapping.file, f"a column of {csv_file}: {', '.join(header)}", f"'{source}'{hint}", column=keys[source]
            )
        )
    return problems
