"""The product_qa importer: candidates become knowledge, evaluation data never does."""

import csv

import pytest

from analytics.ingest import import_file
from analytics.ingest.validate import IngestError
from tests.unit.ingest.conftest import table_hashes

HEADER = ["qid", "question", "ASIN", "candidate", "source", "qa_pair_id", "title", "label", "answer"]
ASKED = "does the zorblax kettle whistle when ready?"
WRITTEN = "Yes. A customer says that the whistle is loud enough."
ROWS = [
    [7, ASKED, "B01", "it whistles loudly. Question: is the whistle loud?", "cqa", 1, "Zorblax kettle", 2, WRITTEN],
    [7, ASKED, "B01", "the whistle is loud enough to hear from the garden", "review", 2, "Zorblax kettle", 2, WRITTEN],
    [7, ASKED, "B01", 'unit_count:  { type:{ value:"count" }, value:1. }', "attribute", 3, "Zorblax kettle", 0, ""],
    [7, ASKED, "B01", "- stainless steel body", "bullet", 4, "Zorblax kettle", 0, ""],
    [7, ASKED, "B01", "a classic stove-top kettle.", "description", 5, "Zorblax kettle", 1, ""],
    [8, "second question?", "B01", "a classic stove-top kettle.", "description", 6, "Zorblax kettle", 0, ""],
    [8, "second question?", "B01", "-", "bullet", 7, "Zorblax kettle", 0, ""],
]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_candidates_become_documents_qa_and_reviews(con, tmp_path):
    result = import_file(con, write_csv(tmp_path / "pqa.csv", ROWS), "product_qa")
    assert result.written["product_documents"] == 4  # description once, bullet, attribute, title
    docs = dict(con.execute("select kind, text from product_documents where kind <> 'description'").fetchall())
    assert docs == {"title": "Zorblax kettle", "attribute": "unit count: 1", "bullet": "stainless steel body"}
    assert con.execute("select question, answer from product_qa").fetchall() == [
        ("is the whistle loud?", "it whistles loudly.")
    ]
    assert con.execute("select text, rating from reviews").fetchall() == [
        ("the whistle is loud enough to hear from the garden", None)
    ]
    assert con.execute("select title from products where product_id = 'B01'").fetchone() == ("Zorblax kettle",)
    kinds = {k for (k,) in con.execute("select distinct kind from product_knowledge").fetchall()}
    assert kinds == {"title", "attribute", "bullet", "description", "qa", "review"}
    assert result.notes["empty_evidence_skipped"] == 1


def test_asked_question_labels_and_written_answers_are_not_stored(con, tmp_path):
    import_file(con, write_csv(tmp_path / "pqa.csv", ROWS), "product_qa")
    tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()]
    for table in tables:  # names from the catalog
        text = con.execute(f"select string_agg(t::varchar, ' ') from {table} t").fetchone()[0] or ""
        assert "zorblax kettle whistle when ready" not in text.lower(), table
        assert "a customer says that" not in text.lower(), table


def test_the_same_file_twice_changes_nothing_and_the_format_is_detected(con, tmp_path):
    path = write_csv(tmp_path / "pqa.csv", ROWS)
    assert import_file(con, path).format == "product_qa"
    before = table_hashes(con)
    assert import_file(con, path).skipped
    assert table_hashes(con) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([9, "q", "B02", "text", "forum", 1, "t", 0, ""], "line 2, column 'source': expected one of review"),
        ([9, "q", "", "text", "review", 1, "t", 0, ""], "line 2, column 'ASIN': expected a value"),
        ([9, "q", "B02", "=HYPERLINK(1)", "review", 1, "t", 0, ""], "column 'candidate': expected plain text"),
    ],
)
def test_bad_rows_are_refused_by_line_and_column_and_nothing_is_written(con, tmp_path, row, message):
    before = table_hashes(con)
    with pytest.raises(IngestError, match=message):
        import_file(con, write_csv(tmp_path / "bad.csv", [row]), "product_qa")
    assert table_hashes(con) == before


def test_a_file_without_the_evidence_columns_is_refused(con, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [[1, "q", "B1", "text"]], header=["qid", "question", "ASIN", "text"])
    with pytest.raises(IngestError, match="'candidate'"):
        import_file(con, path, "product_qa")
