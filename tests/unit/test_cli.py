import json

import pytest

from analytics.cli import main
from analytics.core import jobs


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
