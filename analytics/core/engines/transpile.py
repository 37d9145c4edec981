"""DuckDB SQL -> Spark SQL: one query file, read by SQLGlot, rewritten, written for Spark.

No query is kept in a second dialect. ``to_spark`` parses a file of ``analytics/*/sql`` as DuckDB,
expands the shared macros of migration 050 from their one definition, binds the parameters as
typed literals, applies the project's rewrites (``REWRITES``, each a small function on the tree
for one DuckDB construct SQLGlot leaves as Spark cannot run it) and prints Spark SQL.

Values enter the tree as literal nodes built by SQLGlot (never formatted into text), typed so
that Spark analyses them as DuckDB does: a NULL list is ``CAST(NULL AS ARRAY<STRING>)``, a float
is a DOUBLE (a bare ``0.5`` is a DECIMAL in Spark), a datetime a TIMESTAMP.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

MACRO_FILE = Path(__file__).resolve().parent.parent / "migrations" / "050_query_rules.sql"
# Parameters that hold a list of strings (the sidebar filters, the breakdown columns): bound as
# NULL they still need their type, or Spark cannot resolve list_contains over them.
LIST_PARAMETERS = frozenset({"categories", "brands", "traffic_sources", "devices", "breakdown"})


class TranspileError(ValueError):
    """A query that cannot be written for Spark; the message names the query and the construct."""


@dataclass(frozen=True)
class Macro:
    name: str
    parameters: tuple[str, ...]
    body: exp.Expression
    is_table: bool


@functools.cache
def macros() -> dict[str, Macro]:
    """The DuckDB macros of migration 050, parsed once from that file (their one definition)."""
    found: dict[str, Macro] = {}
    for statement in sqlglot.parse(MACRO_FILE.read_text(encoding="utf-8"), read="duckdb"):
        if not isinstance(statement, exp.Create) or str(statement.args.get("kind", "")).upper() != "MACRO":
            continue
        udf = statement.this
        name = udf.this.name.lower()
        parameters = tuple(p.name.lower() for p in udf.expressions)
        body = statement.expression
        found[name] = Macro(name, parameters, body, is_table=isinstance(body, exp.Query))
    return found


def to_spark(sql: str, params: Mapping[str, Any] | None = None, name: str = "query") -> str:
    """The Spark SQL text of one DuckDB query with ``params`` bound (all ``$name`` must be given)."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranspileError(f"{name}: SQLGlot cannot read it as DuckDB SQL: {exc}") from exc
    tree = expand_macros(tree)
    tree = bind_parameters(tree, params or {}, name)
    for rewrite in REWRITES:
        tree = rewrite(tree)
    return tree.sql(dialect="spark")


def transpile_template(sql: str, name: str = "query") -> str:
    """Spark SQL with the parameters left as ``:name`` markers (to check a file without values)."""
    tree = expand_macros(sqlglot.parse_one(sql, read="duckdb"))
    for rewrite in REWRITES:
        tree = rewrite(tree)
    return tree.sql(dialect="spark")


# --- macros ------------------------------------------------------------------------------------


def expand_macros(tree: exp.Expression) -> exp.Expression:
    """Replace every call of a migration-050 macro by its body, until none is left (they nest)."""
    known = macros()
    for _ in range(len(known) + 1):
        calls = [node for node in tree.find_all(exp.Anonymous) if node.name.lower() in known]
        if not calls:
            return tree
        for call in calls:
            macro = known[call.name.lower()]
            if len(call.expressions) != len(macro.parameters):
                raise TranspileError(
                    f"macro {macro.name} takes {len(macro.parameters)} arguments, got {len(call.expressions)}"
                )
            body = _substitute(macro, call.expressions)
            if macro.is_table:
                table = call.parent
                alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(macro.name))
                table.replace(exp.Subquery(this=body, alias=alias))
            else:
                call.replace(exp.Paren(this=body))
    raise TranspileError("macros nest deeper than there are macros (a macro calls itself?)")


def _substitute(macro: Macro, arguments: list[exp.Expression]) -> exp.Expression:
    # DuckDB gives a macro's parameters priority over columns of the same name (migration 050).
    values = dict(zip(macro.parameters, arguments, strict=True))

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in values:
            return values[node.name.lower()].copy()
        return node

    return macro.body.copy().transform(swap)


# --- parameters --------------------------------------------------------------------------------


def bind_parameters(tree: exp.Expression, params: Mapping[str, Any], name: str = "query") -> exp.Expression:
    """Replace each ``$name`` by a typed literal of its value; a missing value is an error."""

    def bind(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in params:
                raise TranspileError(f"{name}: parameter ${node.name} has no value")
            return literal(node.name, params[node.name])
        return node

    return tree.transform(bind)


def literal(parameter: str, value: Any) -> exp.Expression:
    """One bound value as a typed SQLGlot literal."""
    if value is None:
        if parameter in LIST_PARAMETERS:
            return exp.cast(exp.null(), exp.DataType.build("array<string>", dialect="spark"))
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TranspileError(f"parameter ${parameter} is {value}, which SQL cannot hold")
        return exp.cast(exp.Literal.number(repr(value)), "double")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "timestamp")
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "date")
    if isinstance(value, list | tuple):
        items = [literal(parameter + "[]", item) for item in value]
        array = exp.Array(expressions=items)
        if parameter in LIST_PARAMETERS or not items:
            return exp.cast(array, exp.DataType.build("array<string>", dialect="spark"))
        return array
    raise TranspileError(f"parameter ${parameter} has a value of type {type(value).__name__} that SQL cannot bind")


# --- rewrites ----------------------------------------------------------------------------------
# Each rewrite takes and returns a tree and changes only the construct it names.


def percentiles_over_list(tree: exp.Expression) -> exp.Expression:
    """``quantile_cont(x, [..])`` -> ``percentile(x, array(..))``: Spark's continuous quantile
    takes one fraction; ``percentile`` takes a list and interpolates the same way."""

    def swap(node: exp.Expression) -> exp.Expression:
        fractions = node.args.get("quantile") or node.args.get("expression")
        if isinstance(node, exp.Quantile | exp.PercentileCont) and isinstance(fractions, exp.Array):
            return exp.Anonymous(this="percentile", expressions=[node.this.copy(), fractions.copy()])
        return node

    return tree.transform(swap)


def epoch_of_interval(tree: exp.Expression) -> exp.Expression:
    """``epoch(a - b)`` of two timestamps -> ``(unix_micros(a) - unix_micros(b)) / 1e6``: seconds
    between them, fractions kept (Spark's unix_timestamp drops them and rejects an interval)."""

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):
            left, right = node.this.this, node.this.expression
            micros = exp.Sub(
                this=exp.Anonymous(this="unix_micros", expressions=[left.copy()]),
                expression=exp.Anonymous(this="unix_micros", expressions=[right.copy()]),
            )
            seconds = exp.Div(this=exp.Paren(this=micros), expression=exp.cast(exp.Literal.number(1e6), "double"))
            return exp.Paren(this=seconds)
        return node

    return tree.transform(swap)


def shifts_by_weeks_and_months(tree: exp.Expression) -> exp.Expression:
    """``d - to_weeks(n)`` / ``d + to_months(n)`` -> ``date_add(d, -7 * n)`` / ``add_months(d, n)``:
    Spark has no interval constructors from a number."""

    def swap(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Sub | exp.Add) or not isinstance(node.expression, exp.Anonymous):
            return node
        unit = node.expression.name.lower()
        if unit not in ("to_weeks", "to_months", "to_days"):
            return node
        amount: exp.Expression = exp.Paren(this=node.expression.expressions[0].copy())
        if isinstance(node, exp.Sub):
            amount = exp.Neg(this=amount)
        if unit == "to_months":
            return exp.Anonymous(this="add_months", expressions=[node.this.copy(), amount])
        days = exp.Mul(this=exp.Literal.number(7), expression=amount) if unit == "to_weeks" else amount
        return exp.Anonymous(this="date_add", expressions=[node.this.copy(), days])

    return tree.transform(swap)


def unit_literals(tree: exp.Expression) -> exp.Expression:
    """A bound unit (``date_trunc($grain, d)``, ``date_diff($grain, a, b)``) is a string literal
    after binding; Spark wants the unit as a keyword in date_diff and upper case in date_trunc."""

    def swap(node: exp.Expression) -> exp.Expression:
        unit = node.args.get("unit")
        if isinstance(node, exp.DateDiff | exp.DateTrunc | exp.TimestampTrunc) and isinstance(unit, exp.Literal):
            node = node.copy()
            node.set("unit", exp.var(unit.name.upper()))
        return node

    return tree.transform(swap)


def drop_materialized_hints(tree: exp.Expression) -> exp.Expression:
    """``with x as materialized (...)``: DuckDB's planner hint; Spark has no such syntax."""
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    return tree


def overlaps_as_function(tree: exp.Expression) -> exp.Expression:
    """``a && b`` on lists -> ``arrays_overlap(a, b)`` (Spark reads ``&&`` as nothing)."""

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArrayOverlaps):
            return exp.Anonymous(this="arrays_overlap", expressions=[node.this.copy(), node.expression.copy()])
        return node

    return tree.transform(swap)


def exact_discrete_percentiles(tree: exp.Expression) -> exp.Expression:
    """``percentile_disc(f) within group (order by x)`` stays exact: SQLGlot would print Spark's
    approximate percentile; Spark 3.3+ reads the ordered-set form itself."""

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileDisc | exp.PercentileCont):
            order = node.expression
            function = "percentile_disc" if isinstance(node.this, exp.PercentileDisc) else "percentile_cont"
            call = exp.Anonymous(this=function, expressions=[node.this.this.copy()])
            return exp.WithinGroup(this=call, expression=order.copy())
        return node

    return tree.transform(swap)


REWRITES: tuple[Callable[[exp.Expression], exp.Expression], ...] = (
    percentiles_over_list,
    epoch_of_interval,
    shifts_by_weeks_and_months,
    unit_literals,
    drop_materialized_hints,
    overlaps_as_function,
    exact_discrete_percentiles,
)
