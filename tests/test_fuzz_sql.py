"""Hostile values in every bound parameter of every SQL file: nothing is injected.

Each value a user can influence (filters, breakdowns, options, names) is replaced by strings an
attacker would try. A query may answer with no rows or refuse a value with a typed DuckDB
error; it may never fail to parse (which would mean the value became SQL text) or change a
table.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from analytics.core import queries
from tests.test_conventions import PARAM, PARAM_EXAMPLES, READ_QUERIES

HOSTILE = [
    "'; drop table events; --",
    "x' or '1'='1",
    '"); delete from users; --',
    "$start",
    "\\x00\x00nul",
    "ｓｅｌｅｃｔ ＊",
    "=cmd|' /C calc'!A0",
    "a" * 20_000,
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
TABLES = ["events", "users", "products", "reviews", "searches", "imports"]


def _hostile_params(names: list[str], value: str) -> dict[str, object]:
    params = {}
    for name in names:
        example = PARAM_EXAMPLES[name]
        if isinstance(example, list) or (example is None and name.endswith("s")):
            params[name] = [value, "ok"]
        elif isinstance(example, str) or example is None:
            params[name] = value
        else:
            params[name] = example
    return params


def _fingerprint(con) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


@pytest.mark.parametrize("path", READ_QUERIES, ids=[p.stem for p in READ_QUERIES])
def test_hostile_values_stay_values(path, demo_settings):
    from analytics.core import warehouse

    names = sorted(set(PARAM.findall(path.read_text())))
    if not any(isinstance(PARAM_EXAMPLES[n], str | list) or PARAM_EXAMPLES[n] is None for n in names):
        pytest.skip("no text parameter")
    # A writable copy: a hostile value that became SQL could only show itself on a writable database.
    con = duckdb.connect()
    con.execute("attach $p as shop (read_only)", {"p": str(warehouse.current_snapshot(demo_settings).path)})
    con.execute("copy from database shop to memory")
    con.execute("detach shop")
    warehouse.configure(con)
    before = _fingerprint(con)
    for value in HOSTILE:
        try:
            con.execute(queries.sql(path.stem), _hostile_params(names, value)).fetchall()
        except duckdb.ParserException as exc:  # would mean the value was spliced into the SQL text
            pytest.fail(f"{path.name} parsed a bound value as SQL: {exc}")
        except (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.BinderException) as exc:
            assert not re.search(r"syntax error", str(exc), re.I)
    assert _fingerprint(con) == before
