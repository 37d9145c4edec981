"""Marts: rebuilt by the job runner after data-changing jobs, idempotent, and the two CLI commands."""

import pytest

from analytics import cli
from analytics.core import jobs, marts, warehouse
from tests.conftest import shared_sample
from tests.unit.conversion.samples import REES46, load_rees46


def _load_job(ctx):
    load_rees46(ctx, shared_sample(REES46))


def _published(settings, sql):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_import_job_publishes_fresh_marts(settings):
    result = jobs.run_job(settings, "import", _load_job)
    assert result.status == "done"
    assert _published(settings, "select sum(count_products_viewed) from mart_session_steps") == [(8484,)]
    assert _published(settings, "select count_events from mart_refreshes") == [(12101,)]


def test_other_jobs_leave_the_marts_alone(settings):
    jobs.run_job(settings, "scoring", _load_job)
    assert _published(settings, "select count(*) from mart_session_steps") == [(0,)]


def test_failed_mart_refresh_fails_the_job_and_keeps_the_data(settings, monkeypatch):
    def broken(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(marts, "refresh", broken)
    result = jobs.run_job(settings, "import", _load_job)
    assert result.status == "failed"
    assert "mart refresh failed: RuntimeError: disk full" in result.error
    assert _published(settings, "select count(*) from events") == [(12101,)]


def test_refresh_twice_gives_the_same_marts(con):
    load_rees46(con, shared_sample(REES46))
    first = marts.refresh(con)["rows"]
    second = marts.refresh(con)["rows"]
    assert first == second
    assert first["mart_session_steps"] == 6428
    assert con.execute("select count(*) from mart_refreshes").fetchone() == (2,)


def test_refresh_marts_command(settings, capsys):
    jobs.run_job(settings, "load", _load_job)  # kind outside MART_REFRESH_KINDS: marts still empty
    assert cli.main(["--db", str(settings.db_path), "refresh-marts"]) == 0
    assert "mart_session_steps 6,428" in capsys.readouterr().out
    assert _published(settings, "select count(*) from mart_users") == [(3117,)]


def test_save_audience_command(settings, capsys):
    jobs.run_job(settings, "import", _load_job)
    argv = [
        "--db",
        str(settings.db_path),
        "save-audience",
        "--name",
        "abandoned carts",
        "--step",
        "cart",
        "--not-step",
        "purchase",
        "--start",
        "2019-10-01",
        "--end",
        "2019-10-01",
    ]
    assert cli.main(argv) == 0
    assert "saved with 37 users" in capsys.readouterr().out
    assert _published(settings, "select name, count_users from audiences") == [("abandoned carts", 37)]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "2019-13-01", "--end", "2019-10-01"], "--start must be a date like"),
        (["--start", "2019-10-02", "--end", "2019-10-01"], "end date 2019-10-01 is before start date"),
        (["--start", "2019-10-01", "--end", "2019-10-01", "--window-days", "0"], "window_days must be between"),
    ],
)
def test_save_audience_command_rejects_bad_input(settings, capsys, extra, message):
    jobs.run_job(settings, "noop", lambda ctx: None)  # --db must name an existing warehouse
    argv = ["--db", str(settings.db_path), "save-audience", "--name", "x", "--step", "view", *extra]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_marts_are_stale_until_refreshed(con):
    assert marts.is_stale(con)
    load_rees46(con, shared_sample(REES46))
    marts.refresh(con)
    assert not marts.is_stale(con)
    con.execute("delete from events where event_type = 'purchase'")
    assert marts.is_stale(con)
