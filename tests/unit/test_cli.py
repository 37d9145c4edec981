import json

import pytest

from analytics.cli import main
from analytics.core import jobs, warehouse


def test_status_without_warehouse_is_a_clear_error(settings, capsys):
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

    calls = []
    monkeypatch.setattr(analytics.cli.os, "nice", calls.append)
    monkeypatch.setattr(refresh_marts, "run", lambda args, settings: 0)
    assert main(["--db", str(settings.db_path), "refresh-marts", *extra]) == 0
    assert calls == expected


def _published(settings, sql):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_demo_builds_the_shop_and_its_segments(settings, capsys):
    assert main(["--db", str(settings.db_path), "demo", "--events", "3000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("demo shop built: ") and "\nsegmentation run 1: " in out
    assert [(j["kind"], j["status"]) for j in jobs.list_jobs(settings)] == [("segment", "done"), ("demo", "done")]
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
