"""The one formula rule (analytics.trust.export, OWASP's list) that import validation refuses by and
export neutralises by, in Python and in DuckDB alike. The promise is written in the README's
Security section and docs/IMPORTING.md."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from analytics.ingest import validate
from analytics.trust import export
from tests.unit.doc_text import bullet

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+cmd|' /C calc'!A0",
    '=-HYPERLINK("http://x")',
    '=HYPERLINK ("http://x")',
    "@SUM(A1:A3)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "- Fits well",
    "=5 stars",
    "  =hyperlink(x)",
    "\t=1+1",
    "\tplain after a tab",
    "\rplain after a carriage return",
    "\n=1+1",
    '\uff1dHYPERLINK("http://x")',  # fullwidth equals sign
    "\uff0bcmd|' /C calc'!A0",
    "\uff0d2+3",
    "\uff20SUM(A1)",
    "\u3000\uff1d1+1",  # ideographic space first
]
NOT_FORMULAS = ["love it", "5 stars = great", "a-b", "", "   ", "\r\n", "\t", "e=mc2", "100% + free shipping"]


def duckdb_says(cell: str) -> bool:
    con = duckdb.connect()
    return con.execute("select regexp_matches($c, $p)", {"c": cell, "p": export.FORMULA_PATTERN}).fetchone()[0]


def test_import_checks_with_the_export_rule_itself():
    assert validate.no_formula("c").params == {"pattern": export.FORMULA_PATTERN}


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_is_refused_at_import_and_neutralised_at_export(cell):
    assert export.is_formula(cell) and duckdb_says(cell)
    out = export.neutralise_formulas(pd.DataFrame({"c": [cell]}))["c"].iloc[0]
    assert out == "'" + cell


@pytest.mark.parametrize("cell", NOT_FORMULAS)
def test_plain_text_passes_both_alike(cell):
    assert not export.is_formula(cell) and not duckdb_says(cell)
    assert export.neutralise_formulas(pd.DataFrame({"c": [cell]}))["c"].iloc[0] == cell


def test_every_formula_named_in_the_importing_doc_is_refused_and_neutralised():
    examples = re.findall(r"`([^`]+)`", bullet("docs/IMPORTING.md", "No spreadsheet formulas"))
    formulas = [e for e in examples if len(e) > 1]
    assert len(formulas) >= 9
    for formula in formulas:
        assert export.is_formula(formula) and duckdb_says(formula), formula
