"""`python -m analytics answer`: one question, a batch file, and every bad input (rc 2, nothing printed)."""

import json

import pytest

from analytics.cli import main
from analytics.core import jobs
from analytics.ingest import import_file
from tests.unit.assistant.test_import_product_qa import ROWS, write_csv


@pytest.fixture
def shop(settings, tmp_path):
    """A published warehouse with product B01 (imported Q&A evidence) and EMPTY (no knowledge)."""
    path = write_csv(tmp_path / "pqa.csv", ROWS)
    jobs.run_job(settings, "import", lambda ctx: import_file(ctx, path, "product_qa"))

    def bare_product(ctx):
        with ctx.batch() as con:
            con.execute("insert into products (product_id, title) values ('EMPTY', 'a product nobody described')")

    jobs.run_job(settings, "bare", bare_product)
    return settings


def run(settings, *args):
    return main(["--db", str(settings.db_path), "answer", *args])


def test_one_question_as_json(shop, capsys):
    assert run(shop, "--product", "B01", "Is the whistle loud?", "--json") == 0
    record = json.loads(capsys.readouterr().out)
    assert record["product_id"] == "B01" and record["question"] == "Is the whistle loud?"
    assert record["verdict"] in {"yes", "no", "unsure", "unknown"}
    assert record["evidence"][0]["source"] in {"qa", "review"}


def test_a_batch_answers_in_file_order_echoing_the_input(shop, tmp_path, capsys):
    questions = ["Is the whistle loud?", "  what is it made of ?", "Is it stainless steel?"]
    path = tmp_path / "q.csv"
    path.write_text("product_id,question\n" + "".join(f'B01,"{q}"\n' for q in questions), encoding="utf-8")
    assert run(shop, "--questions", str(path), "--json") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in records] == questions
    assert {r["product_id"] for r in records} == {"B01"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--product", "B01", ""], "question is empty"),
        (["--product", "B01", "   "], "question is empty"),
        (["--product", "B01", "x" * 10_000], "question has 10,000 characters"),
        (["--product", "NOPE", "Is it loud?"], "product 'NOPE' is not in the catalog"),
        (["--product", "EMPTY", "Is it loud?"], "product 'EMPTY' has no description"),
        (["Is it loud?"], "--product ID"),
    ],
)
def test_bad_single_questions(shop, capsys, args, message):
    assert run(shop, *args, "--json") == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"product,question\nB01,is it loud?\n",
            "line 1: expected the columns product_id, question; missing product_id",
        ),
        (b"product_id,question\nB01,is it loud?\nB01,a,b\n", "line 3: expected 2 fields like the header, found 3"),
        (b"product_id,question\nB01,is it loud?\n,is it loud?\n", "line 3, column 'product_id'"),
        (b"product_id,question\nB01,is it loud?\nB01,  \n", "line 3, column 'question' is empty"),
        (b"product_id,question\nB01,is it loud?\nNOPE,is it?\n", "line 3, column 'question': product 'NOPE'"),
        (b"product_id,question\nB01,caf\xe9?\n", "line 2: expected UTF-8 text, found byte 0xe9"),
        (b"product_id,question\n", "expected at least one row"),
    ],
)
def test_bad_batch_files_name_the_line_and_print_nothing(shop, tmp_path, capsys, content, message):
    path = tmp_path / "q.csv"
    path.write_bytes(content)
    assert run(shop, "--questions", str(path), "--json") == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err


def test_asked_questions_are_kept_for_the_question_log_with_their_customer(shop, capsys):
    from analytics.assistant import asks
    from analytics.core import appstate

    def customer(ctx):
        with ctx.batch() as con:
            con.execute("insert into users (user_id) values ('U7')")

    jobs.run_job(shop, "customer", customer)
    assert run(shop, "--product", "B01", "Is the whistle loud? call +1 415 555 0100", "--user", "U7") == 0
    assert run(shop, "--product", "B01", "Is it stainless steel?", "--no-log") == 0
    assert asks.waiting(shop) == 1
    with appstate.connect(shop) as con:
        kept = dict(con.execute("select * from asked_questions").fetchone())
    assert kept["user_id"] == "U7" and kept["source"] == "command" and "555 0100" not in kept["question"]
    assert kept["verdict"] in {"yes", "no", "unsure", "unknown"} and kept["answered_by"] == asks.assistant_version(shop)
    capsys.readouterr()
    assert run(shop, "--product", "B01", "Is it loud?", "--user", "U9") == 2
    assert "--user: user 'U9' is not in the shop" in capsys.readouterr().err and asks.waiting(shop) == 1
