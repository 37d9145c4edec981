"""Validation shared by every importer: problems that name the file, line, column, expected and found.

Every check runs on the staged copy of a file before anything is written; one problem anywhere
means nothing is imported. Column checks are declared per format (``Check``) and run as one SQL
scan of the staged table; the first offending row of each check is reported with how many rows
share the problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from analytics.core import queries
from analytics.trust import privacy
from analytics.trust.export import FORMULA_PATTERN

MAX_SHOWN = 8  # problems listed in one message; the rest are counted
FOUND_CHARS = 60

# FORMULA_PATTERN (analytics.trust.export) is the one formula rule: what export would neutralise,
# import refuses. The ingest benchmark reads it from here too.

# Sizes of one cell, in characters. A larger cell is nearly always an unclosed quote that
# swallowed the rest of the file, or a pasted blob (an image, a log) rather than data.
ID_CHARS = 256
NAME_CHARS = 1_000
TEXT_CHARS = 100_000

EARLIEST = datetime(1995, 1, 1)  # before online shops existed: a zero or missing date, not data


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, in terms its owner can find and fix."""

    file: str
    expected: str
    found: str | None = None
    line: int | None = None
    column: str | None = None
    rows: int = 1  # rows with the same problem; the first is the one shown

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line:,}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        if self.rows > 1:
            text += f" ({self.rows:,} rows like this; the first is shown)"
        return text


class IngestError(ValueError):
    """A file cannot be imported; ``problems`` says where and why. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(_message(self.problems))


def _message(problems: list[Problem]) -> str:
    if len(problems) == 1:
        text = str(problems[0])
        return f"{text}{'' if text.endswith('?') else '.'} Nothing was imported."
    lines = [f"{len(problems)} problems; nothing was imported:"]
    lines += [f"- {p}" for p in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        lines.append(f"- and {len(problems) - MAX_SHOWN} more")
    return "\n".join(lines)


def fail(
    file: str, expected: str, found: str | None = None, *, line: int | None = None, column: str | None = None
) -> IngestError:
    """An IngestError with a single problem (raise it)."""
    return IngestError([Problem(file, expected, found, line, column)])


def describe(value: Any) -> str:
    """A cell value as shown in a message: quoted, personal data masked (privacy.mask_pii), cut to a
    short preview of FOUND_CHARS characters.

    A value that is only digits stays as it is: in a data file it is an id or a timestamp, and the
    admin who owns the file must find the cell.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return "an empty cell"
    text = str(value)
    # Cut before masking: a megabyte cell need not be scanned to show sixty characters of it.
    shown = privacy.mask_pii(text[: 2 * FOUND_CHARS])
    if len(text) > FOUND_CHARS:
        return f"a {len(text):,}-character value starting '{_printable(shown[:FOUND_CHARS])}…'"
    return f"'{_printable(shown)}'"


def fields(n: int) -> str:
    """'1 field', '9 fields': a count of fields as a message says it."""
    return f"{n:,} field" if n == 1 else f"{n:,} fields"


def _printable(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class Check:
    """A rule for one raw column. ``bad`` is a SQL predicate over ``{v}`` (the trimmed cell, NULL when
    empty) that is true for an offending cell; ``params`` are its bound values (``$name``)."""

    column: str
    expected: str
    bad: str
    params: dict[str, Any] = field(default_factory=dict)


def required(column: str) -> Check:
    """Every row has a value in ``column``."""
    return Check(column, "a value", "{v} is null")


def integer(column: str, low: int | None = None, high: int | None = None) -> Check:
    """A whole number, optionally within ``low``..``high``."""
    if low is not None and high is not None:
        return Check(
            column,
            f"a whole number from {low} to {high}",
            "{v} is not null and coalesce(try_cast({v} as bigint) not between $lo and $hi, true)",
            {"lo": low, "hi": high},
        )
    if low is not None:
        return Check(
            column,
            f"a whole number of at least {low}",
            "{v} is not null and coalesce(try_cast({v} as bigint) < $lo, true)",
            {"lo": low},
        )
    return Check(column, "a whole number", "{v} is not null and try_cast({v} as bigint) is null")


def rating(column: str) -> Check:
    """A star rating 1-5; JSON exports write it as 5.0."""
    return Check(
        column,
        "a rating from 1 to 5",
        "{v} is not null and coalesce(try_cast({v} as double) not in (1, 2, 3, 4, 5), true)",
    )


def whole_id(column: str) -> Check:
    """An integer id that some exports write as a float (``17850.0``)."""
    return Check(
        column,
        "a whole-number id such as 17850 or 17850.0",
        "{v} is not null and coalesce(try_cast({v} as double) <> floor(try_cast({v} as double)), true)",
    )


def number(column: str) -> Check:
    """A finite number."""
    return Check(
        column,
        "a number with a decimal point (like 35.79)",
        "{v} is not null and coalesce(not isfinite(try_cast({v} as double)), true)",
    )


def non_negative(column: str, what: str = "a price") -> Check:
    """A number of 0 or more (non-numbers are left to ``number``)."""
    return Check(column, f"{what} of 0 or more", "{v} is not null and try_cast({v} as double) < 0")


def at_most(column: str, limit: float, what: str = "a price", setting: str = "max_price") -> Check:
    """A number whose size is at most ``limit`` (settings max_price, max_quantity): amounts beyond it
    are typos or attacks, and bounded amounts keep every sum finite. Non-numbers are left to ``number``.
    The message names the setting so a shop with legitimately larger amounts knows what to raise."""
    return Check(
        column,
        f"{what} of at most {limit:,.15g} (setting {setting})",
        "{v} is not null and abs(try_cast({v} as double)) > $limit",
        {"limit": float(limit)},
    )


def one_of(column: str, values: Sequence[str]) -> Check:
    """One of the listed values, exactly."""
    listed = ", ".join(values)
    return Check(
        column, f"one of {listed}", "{v} is not null and not list_contains($values, {v})", {"values": list(values)}
    )


def timestamp(column: str, formats: Sequence[str], example: str, latest: datetime) -> Check:
    """A time in one of ``formats`` (strptime), between 1995 and ``latest`` (tomorrow, usually)."""
    return Check(
        column,
        f"a time like '{example}' between {EARLIEST:%Y-%m-%d} and {latest:%Y-%m-%d}",
        "{v} is not null and coalesce(try_strptime({v}, $formats) not between $earliest and $latest, true)",
        {"formats": list(formats), "earliest": EARLIEST, "latest": latest},
    )


def unix_seconds(column: str, latest: datetime) -> Check:
    """Unix seconds between 1995 and ``latest`` (milliseconds are refused)."""
    low, high = _epoch(EARLIEST), _epoch(latest)
    return Check(
        column,
        f"a Unix time in seconds (not milliseconds) between {low} ({EARLIEST:%Y-%m-%d}) and {high} ({latest:%Y-%m-%d})",
        "{v} is not null and coalesce(try_cast({v} as bigint) not between $lo and $hi, true)",
        {"lo": low, "hi": high},
    )


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())  # naive datetimes here are UTC


def max_chars(column: str, limit: int) -> Check:
    """At most ``limit`` characters."""
    return Check(column, f"at most {limit:,} characters", "length({v}) > $limit", {"limit": limit})


def no_formula(column: str) -> Check:
    """No spreadsheet formula (FORMULA_PATTERN, the rule export neutralises by)."""
    return Check(
        column,
        "plain text, not a spreadsheet formula (a cell starting with =, +, -, @, a tab or a carriage return "
        "runs as a formula when the data is opened in a spreadsheet)",
        "regexp_matches({v}, $pattern)",
        {"pattern": FORMULA_PATTERN},
    )


def text(column: str, limit: int = NAME_CHARS) -> list[Check]:
    """The checks every free-text or id column gets: a size limit and no formulas."""
    return [max_chars(column, limit), no_formula(column)]


LineOf = Callable[[int], int]


def run_checks(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    file: str,
    checks: Sequence[Check],
    line_of: LineOf,
) -> list[Problem]:
    """Run every check over the staged table ``table`` in one scan; one Problem per failing check.

    ``columns`` are the table's columns (the allow-list for identifiers); ``line_of`` turns a
    1-based data row into the file line shown to the user.
    """
    if not checks:
        return []
    selects, params = [], {}
    for i, check in enumerate(checks):
        predicate = _predicate(check, i, columns, params)
        selects.append(f"count(*) filter (where {predicate}) as n{i}, min(rowid) filter (where {predicate}) as r{i}")
    counts = con.execute(f"select {', '.join(selects)} from {table}", params).fetchone()
    problems = []
    for i, check in enumerate(checks):
        n, first = counts[2 * i], counts[2 * i + 1]
        if n:
            col = queries.identifier(check.column, columns)
            value = con.execute(f"select {col} from {table} where rowid = $r", {"r": first}).fetchone()[0]
            problems.append(Problem(file, check.expected, describe(value), line_of(first + 1), check.column, n))
    return problems


def _predicate(check: Check, index: int, columns: Sequence[str], params: dict[str, Any]) -> str:
    sql = check.bad
    for name, value in check.params.items():
        unique = f"p{index}_{name}"  # each check's parameters get their own names in the shared scan
        sql = re.sub(rf"\${name}\b", f"${unique}", sql)
        params[unique] = value
    cell = f"nullif(trim({queries.identifier(check.column, columns)}), '')"
    # {col:Name} lets a rule look at another column of the same row (e.g. UCI's invoice number).
    sql = re.sub(r"\{col:([^}]+)\}", lambda m: queries.identifier(m[1], columns), sql)
    return "(" + sql.replace("{v}", cell) + ")"


def conflicting_keys(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    file: str,
    key: str,
    compared: Sequence[str],
    line_of: LineOf,
) -> list[Problem]:
    """Rows that share a ``key`` value but differ in any ``compared`` column (exact copies are fine)."""
    k = queries.identifier(key, columns)
    facts = ", ".join(queries.identifier(c, columns) for c in compared)
    row = con.execute(
        f"""
        with keyed as (select rowid as r, nullif(trim({k}), '') as key_value, row({facts}) as facts from {table}),
            conflicts as (
                select key_value, min(r) as first_row from keyed where key_value is not null
                group by key_value having count(distinct facts) > 1
            )
        select count(*), arg_min(key_value, first_row), min(first_row) from conflicts
        """
    ).fetchone()
    count, value, first = row
    if not count:
        return []
    rows = con.execute(
        f"select rowid, {facts} from {table} where nullif(trim({k}), '') = $key order by rowid", {"key": value}
    ).fetchall()
    other = next(r for r in rows if r[1:] != rows[0][1:])
    differ = [c for c, a, b in zip(compared, rows[0][1:], other[1:], strict=True) if a != b]
    found = (
        f"{describe(value)} on line {line_of(first + 1):,} and on line {line_of(other[0] + 1):,} "
        f"with different {', '.join(repr(c) for c in differ)}"
    )
    expected = f"each {key} once, or repeated with identical values"
    return [Problem(file, expected, found, line_of(other[0] + 1), key, count)]


def orphans(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    file: str,
    column: str,
    ref_table: str,
    ref_column: str,
    ref_file: str,
    line_of: LineOf,
) -> list[Problem]:
    """Rows whose ``column`` names something missing from ``ref_table.ref_column`` (another file)."""
    col = queries.identifier(column, columns)
    row = con.execute(
        f"""
        with missing as (
            select rowid as r, {col} as value from {table} t
            where nullif(trim({col}), '') is not null
                and not exists (select 1 from {ref_table} x where trim(x.{ref_column}) = trim(t.{col}))
        )
        select count(*), min(r), arg_min(value, r) from missing
        """
    ).fetchone()
    count, first, value = row
    if not count:
        return []
    expected = f"{column} values that {ref_file} lists"
    return [Problem(file, expected, describe(value), line_of(first + 1), column, count)]
