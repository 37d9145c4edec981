"""Problems and messages: what a person reads when a file is refused."""

from __future__ import annotations

import duckdb
import pytest

from analytics.ingest.validate import FORMULA_PATTERN, IngestError, Problem, describe


def is_formula(cell: str) -> bool:
    return duckdb.connect().execute("select regexp_matches($c, $p)", {"c": cell, "p": FORMULA_PATTERN}).fetchone()[0]


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://x","y")',
        "@SUM(A1:A3)",
        "+cmd|' /C calc'!A0",
        "-SUM(1,2)",
        "=IMPORTXML(A1)",
        "  =hyperlink(x)",
    ],
)
def test_spreadsheet_formulas_are_recognised(cell):
    assert is_formula(cell)


@pytest.mark.parametrize(
    "cell", ["-- great product", "=) love it", "+1 (555) 010 7788", "@home all day", "- Fits well | great!", "=5 stars"]
)
def test_text_that_starts_like_a_formula_is_refused_as_export_would_neutralise_it(cell):
    # One rule for import and export: a spreadsheet reads each of these as a formula (#NAME? at
    # best), so import refuses what export would have to prefix with a quote.
    assert is_formula(cell)


@pytest.mark.parametrize("cell", ["great product -- really", "love it =)", "call +1 555 010 7788", "home @ noon"])
def test_text_with_those_signs_further_in_is_accepted(cell):
    assert not is_formula(cell)


def test_found_values_are_quoted_cut_and_stripped_of_email_addresses():
    assert describe(None) == "an empty cell" and describe("  ") == "an empty cell"
    assert describe("write to ana@example.com") == "'write to [email]'"
    assert describe("x" * 70).startswith("a 70-character value starting 'xxx") and describe("x" * 70).endswith("…'")
    assert describe("a\nb") == "'a\\nb'"


def test_one_problem_reads_as_one_sentence():
    problem = Problem("e.csv", "a number", "'x'", line=3, column="price", rows=2)
    assert str(IngestError([problem])) == (
        "e.csv, line 3, column 'price': expected a number, found 'x' (2 rows like this; the first is shown). "
        "Nothing was imported."
    )


def test_many_problems_are_listed_up_to_eight_and_counted():
    message = str(IngestError([Problem("e.csv", f"thing {i}") for i in range(11)]))
    assert message.startswith("11 problems; nothing was imported:")
    assert "thing 7" in message and "thing 8" not in message and message.endswith("- and 3 more")
