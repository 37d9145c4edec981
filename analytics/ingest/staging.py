"""Staging: a checked file loaded as text into a temporary table, checked, then mapped.

Every source is first loaded verbatim (all columns VARCHAR) into a temporary table, so type,
range and format problems are found by SQL with the row they are on, instead of by a parser
that stops at the first surprise. Formats then map the raw tables onto temporary copies of the
canonical tables (``stage_events``, ``stage_products``, ...) that the writer appends to the
warehouse in one transaction. Temporary tables live only in the importing connection and are
dropped afterwards: staging never touches the warehouse's tables.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from analytics.core import queries
from analytics.ingest import validate
from analytics.ingest.source import DEFAULT_LIMITS, Limits, SourceFile
from analytics.ingest.validate import Check, IngestError, Problem

# The staged copies of the canonical tables, and whether the warehouse table has import_id.
STAGE_TABLES = {
    "products": False,
    "users": False,
    "events": True,
    "reviews": True,
    "orders": True,
    "review_orders": False,
    "product_documents": True,
    "product_qa": True,
}
JSON_BATCH_ROWS = 20_000
MAX_REJECTS = 1_000

ProgressFn = Callable[[float, str], None]  # (fraction of the import done, message)


@dataclass
class RawTable:
    """A source file loaded verbatim (every column VARCHAR) into the temporary table ``name``."""

    name: str
    source: SourceFile
    columns: list[str]
    rows: int
    line_of: Callable[[int], int] = field(repr=False)  # 1-based data row -> line in the file

    def has(self, column: str) -> bool:
        """True when the raw table has this column."""
        return column in self.columns


@dataclass
class Staging:
    """What a format's ``stage`` function works with: the connection, loaders, checks and notes."""

    con: duckdb.DuckDBPyConnection
    limits: Limits = DEFAULT_LIMITS
    progress: ProgressFn = lambda fraction, message: None  # noqa: E731 - a no-op default
    latest: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
    raw: list[RawTable] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    rows_read: int = 0

    # -- loading ---------------------------------------------------------------------------
    def csv(
        self,
        source: SourceFile,
        table: str,
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
        aliases: dict[str, str] | None = None,
        names: Sequence[str] | None = None,
    ) -> RawTable:
        """Load a CSV file (``names`` given: it has no header) and check its columns are there."""
        header = list(names) if names is not None else csv_header(source)
        present = [(aliases or {}).get(c, c) for c in header]
        _require_columns(source.name, present, required)
        raw = load_csv(self.con, source, table, header, has_header=names is None, limits=self.limits)
        for original, canonical in (aliases or {}).items():
            if original in raw.columns and canonical not in raw.columns:
                old, new = queries.identifier(original, header), queries.identifier(canonical, present)
                self.con.execute(f"alter table {table} rename column {old} to {new}")
        raw.columns = present
        for column in optional:
            if column not in raw.columns:  # absent optional columns read as empty
                self.con.execute(f"alter table {table} add column {queries.identifier(column, optional)} varchar")
                raw.columns.append(column)
        return self._loaded(raw)

    def jsonl(self, source: SourceFile, table: str, fields: Sequence[str]) -> RawTable:
        """Load a JSON-lines file (one VARCHAR column per field plus _line)."""
        return self._loaded(load_json_lines(self.con, source, table, fields))

    def _loaded(self, raw: RawTable) -> RawTable:
        if raw.rows == 0:
            raise validate.fail(raw.source.name, "at least one data row", "a header and no data")
        self.raw.append(raw)
        self.rows_read += raw.rows
        return raw

    # -- checking --------------------------------------------------------------------------
    def check(self, raw: RawTable, checks: Sequence[Check]) -> list[Problem]:
        """Run column checks on a raw table; returns the problems (see ``raise_problems``)."""
        return validate.run_checks(self.con, raw.name, raw.columns, raw.source.name, checks, raw.line_of)

    @staticmethod
    def raise_problems(problems: Sequence[Problem]) -> None:
        """Raise IngestError when there is any problem (all of them in one message)."""
        if problems:
            raise IngestError(problems)

    # -- mapping ---------------------------------------------------------------------------
    def insert(self, table: str, query: str, params: dict[str, Any] | None = None) -> int:
        """Append the rows of the named SQL file to ``stage_<table>`` (columns matched by name)."""
        if table not in STAGE_TABLES:
            raise ValueError(f"unknown staged table '{table}'")
        self.con.execute(f"insert into stage_{table} by name {queries.sql(query)}", params or {})
        return self.count(f"stage_{table}")

    def table(self, name: str, query: str, params: dict[str, Any] | None = None) -> None:
        """Materialise the named SQL file as the helper table ``ingest_<name>`` (dropped afterwards)."""
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"helper table name '{name}' is not snake_case")
        self.con.execute(f"create or replace temp table ingest_{name} as {queries.sql(query)}", params or {})

    def count(self, table: str, where: str = "true") -> int:
        """Rows of a staging table (``where`` is a predicate written in code, never user input)."""
        return int(self.con.execute(f"select count(*) from {table} where {where}").fetchone()[0])

    def note(self, key: str, value: Any) -> None:
        """Record something the import did deliberately (shown in the preview, stored with the import)."""
        if value:
            self.notes[key] = value


def create_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty temporary copies of the canonical tables (same columns and types, no import_id)."""
    for table, has_import_id in STAGE_TABLES.items():
        columns = "* exclude (import_id)" if has_import_id else "*"
        con.execute(f"create or replace temp table stage_{table} as select {columns} from main.{table} limit 0")


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every temporary table staging created (raw_*, stage_*, rejects)."""
    names = con.execute(
        "select table_name from duckdb_tables() where temporary and "
        "(table_name like 'raw\\_%' escape '\\' or table_name like 'stage\\_%' escape '\\' "
        "or table_name like 'ingest\\_%' escape '\\')"
    ).fetchall()
    for (name,) in names:
        con.execute(f"drop table if exists temp.{_ident(name)}")


# -- CSV ----------------------------------------------------------------------------------------
def csv_header(source: SourceFile) -> list[str]:
    """The column names of a CSV file's first line; blank names become ``column_<position>``."""
    first_line = source.head.split("\n", 1)[0]
    if len(first_line) >= len(source.head) and len(source.head) >= 64 * 1024:
        raise validate.fail(source.name, "a header line of column names", "a first line longer than 64 KB", line=1)
    names = next(csv.reader(io.StringIO(first_line)), [])
    names = [n.strip() or f"column_{i}" for i, n in enumerate(names, 1)]
    if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in names[0])
        raise validate.fail(
            source.name,
            "comma-separated columns",
            f"a header with one column that contains {sep!r}: the file looks {_SEPARATORS[sep]}-separated; "
            "export it with commas",
            line=1,
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise validate.fail(
                source.name, "each column name once in the header", f"'{name}' twice", line=1, column=name
            )
        seen.add(name)
    return names


_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _require_columns(file: str, present: Sequence[str], required: Sequence[str]) -> None:
    missing = [c for c in required if c not in present]
    if not missing:
        return
    close = {c: difflib.get_close_matches(c, present, n=1, cutoff=0.6) for c in missing}
    if not resembles(present, required, close):
        found = f"a first line with none of them ({validate.fields(len(present))}): a file of another kind?"
        raise IngestError([Problem(file, f"the columns {', '.join(required)}", found, 1)])
    problems = []
    for column in missing:
        hint = f"; did you mean '{close[column][0]}'?" if close[column] else ""
        shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
        problems.append(Problem(file, f"a column named '{column}'", f"only the columns {shown}{hint}", 1, column))
    raise IngestError(problems)


def resembles(present: Sequence[str], wanted: Sequence[str], close: dict[str, list[str]]) -> bool:
    """True when a header has at least one wanted column, or a near miss of one.

    Only then is the header echoed in a message: the first line of a file of another kind (a
    system file, a document picked by mistake) is not repeated into messages and job history.
    """
    return any(c in present for c in wanted) or any(close.values())


def load_csv(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    table: str,
    names: Sequence[str],
    *,
    has_header: bool,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable:
    """Read a CSV file into ``table`` with every column as text; malformed records are problems."""
    con.execute("drop table if exists ingest_rejects; drop table if exists ingest_reject_scans")
    # Column names come from the file: they enter SQL only as escaped string literals.
    columns = "{" + ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"""
        create or replace temp table {table} as
        select * from read_csv($path, auto_detect = false, header = $header, delim = ',', quote = '"',
            escape = '"', columns = {columns}, compression = $compression, strict_mode = true,
            max_line_size = $max_line, buffer_size = $buffer, store_rejects = true,
            rejects_table = 'ingest_rejects', rejects_scan = 'ingest_reject_scans', rejects_limit = $rejects)
        """,
        {
            "path": str(source.path),
            "header": has_header,
            "compression": source.compression,
            "max_line": limits.max_line_bytes,
            "buffer": 2 * limits.max_line_bytes,
            "rejects": MAX_REJECTS,
        },
    )
    _raise_rejects(con, source, len(names), limits, has_header)
    rows = int(con.execute(f"select count(*) from {table}").fetchone()[0])
    return RawTable(table, source, list(names), rows, lambda row: csv_line_of(source, row, has_header))


def _raise_rejects(
    con: duckdb.DuckDBPyConnection, source: SourceFile, fields: int, limits: Limits, has_header: bool
) -> None:
    rejects = con.execute(
        "select error_type, count(distinct line), min(line), arg_min(csv_line, line), arg_min(error_message, line), "
        "arg_min(column_name, line) from ingest_rejects group by error_type order by min(line)"
    ).fetchall()
    problems = []
    first_data_line = 2 if has_header else 1
    for error_type, count, line, text, message, column in rejects:
        expected, found = _reject_words(error_type, message, fields, limits)
        # A file whose very first record is malformed may be a file of another kind: its content
        # is not echoed. A bad record further down is shown, so its owner can find it.
        if int(line) > first_data_line:
            found = f"{found}: {validate.describe(text)}" if found else validate.describe(text)
        column = column if error_type not in ("TOO MANY COLUMNS", "MISSING COLUMNS") else None
        problems.append(Problem(source.name, expected, found, int(line), column, int(count)))
    if problems:
        raise IngestError(problems)


def _reject_words(error_type: str, message: str, fields: int, limits: Limits) -> tuple[str, str]:
    found = re.search(r"Found: (\d+)", message or "")
    if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        counted = validate.fields(int(found[1])) if found else "a different number of fields"
        return f"{validate.fields(fields)} like the header", counted
    if error_type == "UNQUOTED VALUE":
        return "quotes around a field to be closed before the next comma", "a badly quoted field"
    if error_type == "LINE SIZE OVER MAXIMUM":
        return f"records of at most {limits.max_line_bytes // 2**20} MB", "a longer record"
    return "a well-formed CSV record", (message or error_type).splitlines()[0]


def csv_line_of(source: SourceFile, row: int, has_header: bool) -> int:
    """The line where data row ``row`` (1-based) starts. Only needed for messages, so it rescans the
    file up to that row; quoted fields may span lines, which is why this is not ``row + 1``."""
    csv.field_size_limit(sys.maxsize)
    with open_text(source) as handle:
        reader = csv.reader(handle)
        if has_header:
            next(reader, None)
        end_of_previous = reader.line_num
        for _ in range(row - 1):
            if next(reader, None) is None:
                break
            end_of_previous = reader.line_num
        return end_of_previous + 1


def open_text(source: SourceFile) -> io.TextIOBase:
    """The file as text (UTF-8, BOM dropped), decompressing gzip."""
    if source.compression == "gzip":
        return gzip.open(source.path, "rt", encoding="utf-8-sig", newline="")
    return open(source.path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - returned to a with block


# -- JSON lines ----------------------------------------------------------------------------------
def load_json_lines(con: duckdb.DuckDBPyConnection, source: SourceFile, table: str, fields: Sequence[str]) -> RawTable:
    """Read JSON lines into ``table``: one VARCHAR column per field plus ``_line``. Lines that are not
    one JSON object, and fields holding an object or a list instead of one value, are problems."""
    columns = [*fields, "_line"]
    con.execute(
        f"create or replace temp table {table} ({', '.join(f'{_ident(c)} varchar' for c in fields)}, _line bigint)"
    )
    bad: list[Problem] = []
    for batch in _json_batches(source, fields, bad):
        con.register("ingest_json_batch", batch)
        con.execute(f"insert into {table} select * from ingest_json_batch")
        con.unregister("ingest_json_batch")
    if bad:
        raise IngestError(_first_of_each_kind(bad))
    rows = int(con.execute(f"select count(*) from {table}").fetchone()[0])

    def line_of(row: int) -> int:
        return int(con.execute(f"select _line from {table} where rowid = $r", {"r": row - 1}).fetchone()[0])

    return RawTable(table, source, columns, rows, line_of)


def _json_batches(source: SourceFile, fields: Sequence[str], bad: list[Problem]) -> Iterator[pa.Table]:
    values: dict[str, list] = {name: [] for name in [*fields, "_line"]}
    with open_text(source) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = _json_object(source.name, line, number, bad)
            if record is None or not _single_values(source.name, record, fields, number, bad):
                continue
            for name in fields:
                values[name].append(_as_text(record.get(name)))
            values["_line"].append(number)
            if len(values["_line"]) >= JSON_BATCH_ROWS:
                yield pa.table(values)
                values = {name: [] for name in values}
    if values["_line"]:
        yield pa.table(values)


JSON_LINES = "one JSON object per line (JSON lines)"


def _json_object(file: str, line: str, number: int, bad: list[Problem]) -> dict | None:
    start = line.lstrip()[:1]
    try:
        record = json.loads(line)
    except RecursionError:
        bad.append(Problem(file, JSON_LINES, "JSON nested too deeply to read (brackets inside brackets)", number))
        return None
    except json.JSONDecodeError as exc:
        bad.append(Problem(file, JSON_LINES, _broken_json(line, start, exc), number))
        return None
    if not isinstance(record, dict):
        found = "a JSON array (the whole file in [ ])" if start == "[" else f"a JSON {type(record).__name__}"
        bad.append(Problem(file, JSON_LINES, found, number))
        return None
    return record


def _broken_json(line: str, start: str, exc: json.JSONDecodeError) -> str:
    # Only a line that set out to be JSON is shown: the first line of a file of another kind (a
    # system file reached through a symlink, say) is not echoed into messages and job history.
    if start == "[":
        return f"a JSON array (the whole file in [ ]): {validate.describe(line.strip())}"
    if start != "{":
        return "a line that is not JSON"
    where = f"{exc.msg.removesuffix(' at')} at character {exc.pos + 1}"
    return f"broken JSON ({where}): {validate.describe(line.strip())}"


def _single_values(file: str, record: dict, fields: Sequence[str], number: int, bad: list[Problem]) -> bool:
    """False (and a problem) when a field read into a column holds an object or a list."""
    for name in fields:
        value = record.get(name)
        if isinstance(value, dict | list):
            kind = "a JSON object" if isinstance(value, dict) else "a JSON list"
            bad.append(Problem(file, "a single value (text or a number)", kind, number, name))
            return False
    return True


def _first_of_each_kind(problems: list[Problem]) -> list[Problem]:
    """One problem per kind (expected, column), the first one, with how many lines share it."""
    kinds: dict[tuple, list[Problem]] = {}
    for problem in problems:
        kinds.setdefault((problem.expected, problem.column), []).append(problem)
    return [replace(same[0], rows=len(same)) for same in kinds.values()]


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
