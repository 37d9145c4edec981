import json
import os
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.core import jobs, warehouse
from models.settings import Settings
from tests.conftest import ROOT
from tests.unit.ingest.conftest import GOOD


def test_status_before_the_first_publish_is_a_clear_error(settings, capsys):
    con = warehouse.open_writer(settings)  # a primary file that no job has published yet
    warehouse.close_writer(con)
    assert main(["--db", str(settings.db_path), "status"]) == 2
    assert "no warehouse has been published" in capsys.readouterr().err


def test_status_json_contract(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert set(status) == {"schema_version", "tables", "sessions", "first_event", "last_event"}
    assert status["tables"] == {"events": 0, "users": 0, "products": 0, "reviews": 0, "searches": 0}
    assert status["schema_version"] > 0


def test_bad_setting_in_environment_is_named(settings, capsys, monkeypatch):
    monkeypatch.setenv("MA_MIN_GROUP_SIZE", "lots")
    assert main(["--db", str(settings.db_path), "status"]) == 2
    assert "min_group_size" in capsys.readouterr().err


def test_jobs_lists_and_refuses_bad_cancel(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "jobs", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["kind"] == "noop" and listed[0]["status"] == "done"
    assert main(["--db", str(settings.db_path), "jobs", "--cancel", str(listed[0]["job_id"])]) == 2
    assert "already done" in capsys.readouterr().err
    assert main(["--db", str(settings.db_path), "jobs", "--cancel", "999"]) == 2


def test_unknown_command_exits_nonzero():
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


@pytest.mark.parametrize(("extra", "expected"), [(["--job-id", "7"], [10]), ([], [])])
def test_only_dashboard_jobs_run_at_lower_priority(settings, monkeypatch, extra, expected):
    # Jobs the dashboard starts carry --job-id and yield the CPU to the pages (setting job_nice).
    import analytics.cli
    from analytics.commands import refresh_marts

    jobs.run_job(settings, "noop", lambda ctx: None)
    calls = []
    monkeypatch.setattr(analytics.cli.os, "nice", calls.append)
    monkeypatch.setattr(refresh_marts, "run", lambda args, settings: 0)
    assert main(["--db", str(settings.db_path), "refresh-marts", *extra]) == 0
    assert calls == expected


# -- --db must name an existing warehouse ----------------------------------------------------------
NEEDS_A_WAREHOUSE = [
    ["status"],
    ["jobs"],
    ["refresh-marts"],
    ["import", str(GOOD / "rees46_small.csv")],
    ["save-audience", "--name", "carts", "--step", "cart", "--start", "2026-03-01", "--end", "2026-03-31"],
    ["sentiment"],
    ["train-sentiment"],
    ["segment"],
    ["recommend", "--segment", "0"],
    ["draft", "--segment", "0", "--channel", "sms", "--offer", "10% off"],
]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _no_warehouse(db: Path) -> str:
    return (
        f"error: no warehouse at {db} (create one with `python -m analytics --db {db} demo` for the demo shop, "
        f"or `python -m analytics --db {db} import FILE --create` for your own data)\n"
    )


@pytest.mark.parametrize("argv", NEEDS_A_WAREHOUSE, ids=lambda argv: argv[0])
def test_a_mistyped_db_is_refused_and_creates_nothing(tmp_path, capsys, argv):
    db = tmp_path / "dta" / "warehouse.duckdb"
    assert main(["--db", str(db), *argv]) == 2
    assert capsys.readouterr().err == _no_warehouse(db)
    assert _tree(tmp_path) == []  # no parent folder, no lock, no app state, no snapshot


def test_a_mistyped_db_next_to_the_real_one_creates_no_side_files(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    before = _tree(settings.db_path.parent)
    typo = settings.db_path.with_name("warehuose.duckdb")
    assert main(["--db", str(typo), "refresh-marts"]) == 2
    assert capsys.readouterr().err == _no_warehouse(typo)
    assert _tree(settings.db_path.parent) == before


@pytest.mark.parametrize("argv", [["status"], ["demo", "--events", "1000"], ["import", "x.csv", "--create"]])
def test_a_folder_as_db_is_refused_and_leaves_no_side_files(tmp_path, capsys, argv):
    folder = tmp_path / "data"
    folder.mkdir()
    assert main(["--db", str(folder), *argv]) == 2
    assert capsys.readouterr().err == (
        f"error: --db {folder} is a folder; name the warehouse file in it, e.g. {folder / 'warehouse.duckdb'}\n"
    )
    assert _tree(tmp_path) == ["data"]


def test_a_file_that_is_not_a_warehouse_is_refused_untouched(tmp_path, capsys):
    csv = tmp_path / "orders.csv"
    csv.write_text("order_id,total\n1,9.99\n")
    for argv in (["status"], ["demo", "--events", "1000"], ["import", str(GOOD / "rees46_small.csv"), "--create"]):
        assert main(["--db", str(csv), *argv]) == 2
        assert capsys.readouterr().err == f"error: {csv} is not a DuckDB warehouse; --db names the warehouse file\n"
    assert _tree(tmp_path) == ["orders.csv"] and csv.read_text() == "order_id,total\n1,9.99\n"


@pytest.mark.parametrize("db", ["/proc/x.duckdb", "/proc/self/x/y.duckdb"])
def test_an_unwritable_place_for_a_new_warehouse_is_one_clear_line(db, capsys):
    if not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    assert main(["--db", db, "demo", "--events", "1000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot create a warehouse at {db}: ") and err.count("\n") == 1, err
    assert not Path(db).exists()


def test_an_unwritable_folder_is_one_clear_line(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    db = locked / "new" / "warehouse.duckdb"
    assert main(["--db", str(db), "import", str(GOOD / "rees46_small.csv"), "--create"]) == 2
    assert capsys.readouterr().err.startswith(f"error: cannot create a warehouse at {db}: ")
    assert _tree(tmp_path) == ["locked"]


def test_import_create_makes_a_new_warehouse_with_its_folders(tmp_path, capsys):
    db = tmp_path / "shop" / "2026" / "warehouse.duckdb"
    assert main(["--db", str(db), "import", str(GOOD / "rees46_small.csv"), "--create"]) == 0
    assert "imported rees46_small.csv" in capsys.readouterr().out
    assert warehouse.current_snapshot(Settings(db_path=db)) is not None
    assert main(["--db", str(db), "import", str(GOOD / "reviews_small.csv"), "--format", "csv", "--mapping",
                 str(GOOD / "reviews_small.toml")]) == 0  # fmt: skip


def test_import_check_needs_no_warehouse_and_creates_none(tmp_path, capsys):
    db = tmp_path / "none" / "warehouse.duckdb"
    assert main(["--db", str(db), "import", str(GOOD / "rees46_small.csv"), "--check"]) == 0
    assert _tree(tmp_path) == []


def test_the_readme_states_what_a_bad_db_does():
    security = (ROOT / "README.md").read_text().split("## Security", 1)[1].split("\n## ", 1)[0]
    security = " ".join(security.split())
    for promise in (
        "no warehouse at PATH (create one with",
        "`demo` and `import --create`",
        "creates nothing",
        "is a folder",
        "is not a DuckDB warehouse",
        "cannot create a warehouse at PATH",
    ):
        assert promise in security, promise


def _published(settings, sql):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_demo_builds_the_shop_and_its_segments(settings, capsys):
    assert main(["--db", str(settings.db_path), "demo", "--events", "3000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("demo shop built: ") and "\nsegmentation run 1: " in out and "\nquestions: " in out
    assert [(j["kind"], j["status"]) for j in jobs.list_jobs(settings)] == [
        ("answer_questions", "done"),
        ("segment", "done"),
        ("demo", "done"),
    ]
    asked = "select count(*), count(verdict) from question_log where source = 'demo'"
    [(questions, answered)] = _published(settings, asked)
    assert questions > 0 and answered == questions  # the demo customers' questions, all answered
    # Complete: one shown run; every user with events in one of its segments; a profile per segment.
    [(run_id, k)] = _published(settings, "select run_id, k from segment_runs where status = 'complete'")
    users = _published(settings, "select count(distinct user_id) from events")[0][0]
    segmented = _published(
        settings,
        "select count(*), count(distinct user_id), count(distinct segment_id) from user_segments "
        f"where run_id = {run_id}",
    )
    assert segmented == [(users, users, k)]
    assert _published(settings, f"select count(*) from segment_profiles where run_id = {run_id}") == [(k,)]


def test_demo_without_segments(settings, capsys):
    assert main(["--db", str(settings.db_path), "demo", "--events", "3000", "--no-segments"]) == 0
    assert "segmentation" not in capsys.readouterr().out
    assert _published(settings, "select count(*) from segment_runs") == [(0,)]


def test_a_failed_job_exits_1_and_names_the_job(settings, capsys):
    assert main(["--db", str(settings.db_path), "demo", "--events", "3000", "--no-segments"]) == 0
    capsys.readouterr()
    assert main(["--db", str(settings.db_path), "demo", "--events", "3000"]) == 1
    err = capsys.readouterr().err
    assert "error: demo job 2 failed: ValueError: warehouse already holds" in err and "--replace" in err
    assert [j["kind"] for j in jobs.list_jobs(settings)] == ["demo", "demo"]  # no segments after a failed build
