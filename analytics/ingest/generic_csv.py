"""Any CSV export, mapped onto events or reviews by a mapping file (analytics.ingest.mapping).

The source columns are checked under their own names (so messages name the user's columns),
then projected onto canonical names in the helper table ``ingest_csv`` that the SQL files
ingest_csv_*.sql read. Used for the Women's E-Commerce Clothing Reviews, which have no user or date.
"""

from __future__ import annotations

from collections.abc import Sequence

from analytics.core import queries
from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.mapping import EVENT_TYPES, PRODUCT_ATTRIBUTES, TABLES, Mapping, missing_columns
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import RawTable, Staging, csv_header

ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S UTC",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)
TIME_COLUMNS = ("event_time", "created_at")
ID_COLUMNS = ("review_id", "user_id", "session_id", "product_id", "order_id")
LONG_TEXT = ("text",)
BLANKS = "E' \\t\\r\\n'"  # a cell holding only spaces and line breaks is empty


def precheck(sources: Sequence[SourceFile], mapping: Mapping | None) -> None:
    """A mapping is given and every column it names is in the file's header."""
    source = sources[0]
    if mapping is None:
        raise v.fail(source.name, "a column mapping for a generic CSV (--mapping FILE; see docs/IMPORTING.md)", "none")
    problems = missing_columns(mapping, csv_header(source), source.name)
    if problems:
        raise v.IngestError(problems)


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Mapping | None) -> None:
    """Check the mapping against the file, the values of every mapped column and repeated keys,
    then stage reviews or events (and products when the mapping names product attributes)."""
    precheck(sources, mapping)
    source = sources[0]
    raw = staging.csv(source, "raw_csv", required=mapping.source_columns())
    problems = staging.check(raw, checks(staging, mapping)) + _conflicts(staging, raw, mapping)
    staging.raise_problems(problems)
    _project(staging, raw, mapping)
    if mapping.table == "reviews":
        staging.insert("reviews", "csv_reviews", {"review_id_prefix": mapping.review_id_prefix})
        staging.note("repeated_reviews_folded", raw.rows - staging.count("stage_reviews"))
    else:
        staging.insert("events", "csv_events")
    if mapping.products:
        staging.insert("products", "csv_products")


def checks(staging: Staging, mapping: Mapping) -> list[v.Check]:
    """The checks each mapped column gets, by the canonical column it feeds."""
    found: list[v.Check] = []
    for name, source in mapping.columns.items():
        found += _column_checks(staging, mapping, name, source)
    for attribute, sources in mapping.products.items():
        for source in sources:
            found += _price_checks(staging, source) if attribute == "price" else v.text(source)
    return found


def _column_checks(staging: Staging, mapping: Mapping, name: str, source: str) -> list[v.Check]:
    if name in TIME_COLUMNS:
        time_check = _time_check(staging, mapping, source)
        return [v.required(source), time_check] if name == "event_time" else [time_check]
    if name == "event_type":
        return [v.required(source), v.one_of(source, [*EVENT_TYPES, *mapping.event_types])]
    if name == "rating":
        return [v.rating(source)]
    if name == "quantity":
        return [v.integer(source, 1), v.at_most(source, staging.limits.max_quantity, "a quantity", "max_quantity")]
    if name == "price":
        return _price_checks(staging, source)
    limit = v.ID_CHARS if name in ID_COLUMNS else v.TEXT_CHARS if name in LONG_TEXT else v.NAME_CHARS
    return v.text(source, limit)


def _price_checks(staging: Staging, source: str) -> list[v.Check]:
    return [v.number(source), v.non_negative(source), v.at_most(source, staging.limits.max_price)]


def _time_check(staging: Staging, mapping: Mapping, source: str) -> v.Check:
    if mapping.time_format == "unix":
        return v.unix_seconds(source, staging.latest)
    formats = [mapping.time_format] if mapping.time_format else list(ISO_FORMATS)
    return v.timestamp(source, formats, mapping.time_format or "2024-03-01 14:30:00", staging.latest)


def _conflicts(staging: Staging, raw: RawTable, mapping: Mapping) -> list[v.Problem]:
    """A key repeated with different facts: a review id with two texts, an order with two customers."""
    cols = mapping.columns
    if mapping.table == "reviews" and "review_id" in cols:
        key, compared = cols["review_id"], [s for n, s in cols.items() if n != "review_id"]
    elif mapping.table == "events" and "order_id" in cols and "user_id" in cols:
        key, compared = cols["order_id"], [cols["user_id"]]
    else:
        return []
    return v.conflicting_keys(staging.con, raw.name, raw.columns, raw.source.name, key, compared, raw.line_of)


def _project(staging: Staging, raw: RawTable, mapping: Mapping) -> None:
    """``ingest_csv``: the raw rows under canonical names (times parsed and converted to UTC)."""
    exprs = [f"{_expression(raw, mapping, name)} as {name}" for name in TABLES[mapping.table]]
    for attribute in PRODUCT_ATTRIBUTES:
        exprs.append(f"{_product_expression(raw, mapping, attribute)} as product_{attribute}")
    params = {
        "time_formats": [mapping.time_format] if mapping.time_format else list(ISO_FORMATS),
        "timezone": mapping.timezone,
    }
    sql = f"create or replace temp table ingest_csv as select rowid as source_row, {', '.join(exprs)} from raw_csv"
    staging.con.execute(sql, params if any(n in mapping.columns for n in TIME_COLUMNS) else {})


def _expression(raw: RawTable, mapping: Mapping, name: str) -> str:
    if name in mapping.constants:
        return _literal(mapping.constants[name])
    if name not in mapping.columns:
        return "null::timestamp" if name in TIME_COLUMNS else "null::varchar"
    cell = f"nullif(trim({queries.identifier(mapping.columns[name], raw.columns)}, {BLANKS}), '')"
    if name in TIME_COLUMNS:
        parsed = (
            f"make_timestamp(cast({cell} as bigint) * 1000000)"
            if mapping.time_format == "unix"
            else f"try_strptime({cell}, $time_formats)"
        )
        return f"timezone('UTC', timezone($timezone, {parsed}))"
    if name == "event_type" and mapping.event_types:
        cases = " ".join(f"when {_literal(k)} then {_literal(t)}" for k, t in mapping.event_types.items())
        return f"case {cell} {cases} else {cell} end"
    return cell


def _product_expression(raw: RawTable, mapping: Mapping, attribute: str) -> str:
    sources = mapping.products.get(attribute)
    if not sources:
        return "null::varchar"
    cells = ", ".join(f"nullif(trim({queries.identifier(s, raw.columns)}, {BLANKS}), '')" for s in sources)
    if attribute == "category":  # a dotted path like the canonical categories: tops.knits
        return f"nullif(lower(replace(concat_ws('.', {cells}), ' ', '_')), '')"
    return f"nullif(concat_ws(' ', {cells}), '')"


def _literal(text: str) -> str:
    # Values from the mapping file enter SQL only as escaped string literals.
    return "'" + text.replace("'", "''") + "'"


def columns(sources: Sequence[SourceFile], mapping: Mapping | None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    if mapping is None:
        return []
    name = sources[0].name
    pairs = [(name, source, f"{mapping.table}.{target}") for target, source in mapping.columns.items()]
    pairs += [
        (mapping.file, f"constant '{value}'", f"{mapping.table}.{target}")
        for target, value in mapping.constants.items()
    ]
    pairs += [(name, " + ".join(sources), f"products.{attribute}") for attribute, sources in mapping.products.items()]
    return pairs


FORMAT = Format("csv", "any CSV with a column mapping file", None, stage, columns, precheck=precheck)
