"""The import command: a job with a one-line result, --check without writing, errors as exit 2."""

from __future__ import annotations

import json

from analytics.cli import main
from analytics.core import jobs, warehouse
from tests.unit.ingest.conftest import BAD, GOOD


def test_import_prints_what_was_written_and_a_second_run_is_a_no_op(settings, capsys):
    db = str(settings.db_path)
    assert main(["--db", db, "import", str(GOOD / "rees46_small.csv"), "--create"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported rees46_small.csv as rees46 (import 1): 6 rows read; written 4 products, 3 users,")
    assert main(["--db", db, "import", str(GOOD / "rees46_small.csv")]) == 0
    assert "was already imported (import 1); nothing changed" in capsys.readouterr().out
    assert [j["status"] for j in jobs.list_jobs(settings)] == ["done", "done"]


def test_json_output_carries_the_summary(settings, capsys):
    assert main(["--db", str(settings.db_path), "import", str(GOOD / "olist_small"), "--json", "--create"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "olist" and summary["written"]["orders"] == 2 and summary["notes"]["currency"] == "BRL"


def test_check_shows_what_would_be_written_and_writes_nothing(settings, capsys):
    code = main(["--db", str(settings.db_path), "import", str(GOOD / "taobao_small.csv"), "--check"])
    assert code == 0
    assert capsys.readouterr().out.startswith("taobao_small.csv: taobao, 4 rows read; would write up to 2 products,")
    assert warehouse.current_snapshot(settings) is None and jobs.list_jobs(settings) == []


def test_a_bad_file_is_an_error_with_exit_status_2(settings, capsys):
    assert main(["--db", str(settings.db_path), "import", str(BAD / "rees46_negative_price.csv"), "--create"]) == 2
    assert capsys.readouterr().err.startswith("error: rees46_negative_price.csv, line 5, column 'price'")


def test_a_missing_path_and_a_csv_without_mapping_are_command_line_errors(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "import", "/no/such/file.csv"]) == 2
    assert "error: /no/such/file.csv does not exist" in capsys.readouterr().err
    assert main(["--db", str(settings.db_path), "import", str(GOOD / "reviews_small.csv"), "--format", "csv"]) == 2
    assert "--format csv needs --mapping FILE" in capsys.readouterr().err
