"""The UNPUBLISHED marker: written before a job's first commit, removed by publishing, and acted on
by whatever comes next (a job, `status`, the dashboard, which launches a job instead of writing)."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

import duckdb
import pytest

from analytics.core import appstate, jobs, marts, warehouse
from tests.app.conftest import make_app
from tests.conftest import ROOT
from tests.faults.conftest import HANG_GUARD_S, assert_same_tables, crash_cli, published_tables, rees46


@pytest.fixture
def launched(monkeypatch) -> list[list[str]]:
    """The commands launch_job starts, recorded instead of started (a test runs them itself)."""
    commands: list[list[str]] = []

    def record(command, **kwargs):
        commands.append(command)
        return SimpleNamespace(pid=None)  # not started: the test runs the command itself

    fake = SimpleNamespace(Popen=record, STDOUT=subprocess.STDOUT, DEVNULL=subprocess.DEVNULL)
    monkeypatch.setattr(jobs, "subprocess", fake)
    return commands


def _insert_search(ctx: jobs.JobContext) -> dict:
    with ctx.batch():
        ctx.con.execute("insert into searches values ('u', 's', 'shoes', now(), null)")
    return {"marker after the commit": warehouse.unpublished(ctx.settings)}


def test_a_commit_leaves_the_marker_until_the_job_publishes(settings):
    result = jobs.run_job(settings, "insert", _insert_search)

    assert result.summary["marker after the commit"] == warehouse.Unpublished(result.job_id, "insert", False)
    assert warehouse.unpublished(settings) is None


def test_a_data_job_that_rebuilt_its_marts_owes_only_the_publish(settings, monkeypatch):
    def die(*args, **kwargs):
        raise OSError("no space left while copying the snapshot")

    monkeypatch.setattr(warehouse, "publish_snapshot", die)
    with pytest.raises(OSError):
        jobs.run_job(settings, "import", _insert_search)

    pending = warehouse.unpublished(settings)
    assert pending.kind == "import" and not pending.owes_marts


def test_an_unreadable_marker_is_taken_at_its_worst(settings):
    assert jobs.run_job(settings, "insert", _insert_search).status == "done"
    warehouse.unpublished_marker(settings).write_bytes(b"\x00garbage")

    assert warehouse.unpublished(settings) == warehouse.Unpublished(None, "unknown", True)
    result = jobs.run_job(settings, "other", lambda ctx: {})
    assert result.status == "done"
    assert warehouse.unpublished(settings) is None
    assert warehouse.current_snapshot(settings).seq == 2  # published again, marts rebuilt
    reader = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        assert not marts.is_stale(reader)
    finally:
        reader.close()


def test_no_job_is_launched_while_one_that_will_publish_is_queued(settings, launched):
    warehouse.mark_unpublished(settings, 7, "import", owes_marts=True)
    jobs.create_job(settings, "sentiment", {}, "cli")

    assert jobs.left_unpublished(settings) is None
    assert jobs.launch_finish_unpublished(settings) is None
    assert launched == []


def test_a_failed_repair_is_shown_not_relaunched(settings, launched):
    warehouse.mark_unpublished(settings, 7, "import", owes_marts=True)
    jobs.create_job(settings, "refresh_marts", {"finishes_job": 7}, jobs.SYSTEM_ACTOR, status="failed")

    assert jobs.left_unpublished(settings) is not None
    assert jobs.launch_finish_unpublished(settings) is None
    assert launched == []


def test_the_dashboard_launches_one_job_that_publishes_what_a_crash_left(shop, demo_only, demo_and_import, launched):
    crash_cli(shop.db_path, "import", str(rees46()), fault="import.after_commit")
    app = make_app(shop)

    app.run()
    app.run()

    assert not app.exception
    assert len(launched) == 1 and "refresh-marts" in launched[0]
    assert_same_tables(published_tables(shop), demo_only)  # the server itself wrote nothing
    job = jobs.list_jobs(shop, limit=1)[0]
    assert (job["kind"], job["status"], job["actor"]) == ("refresh_marts", "queued", jobs.SYSTEM_ACTOR)
    assert appstate.read_audit(shop, limit=1)[0]["actor"] == jobs.SYSTEM_ACTOR

    done = subprocess.run(launched[0], cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)

    assert done.returncode == 0, done.stderr
    assert_same_tables(published_tables(shop), demo_and_import)
    assert jobs.get_job(shop, job["job_id"])["status"] == "done"


def test_status_publishes_nothing_when_the_snapshot_is_current(shop):
    assert jobs.finish_unpublished(shop) is None
    assert warehouse.current_snapshot(shop).seq == 1


def test_a_snapshot_older_than_the_code_is_upgraded_by_a_job_not_read(shop, launched):
    """After the code gains a migration, the old snapshot is not queried (its SQL may call what the
    snapshot lacks): the page says an upgrade runs, and the launched job publishes a current one."""
    old = warehouse.current_snapshot(shop)
    con = duckdb.connect(str(old.path))  # stand in for a snapshot the older code published
    # a migration numbered below the newest one: missing migrations are found as a set, not by the top id
    con.execute("delete from schema_migrations where id = 100")
    con.close()
    app = make_app(shop)

    app.run()
    app.run()

    assert not app.exception
    assert any("An upgrade job is running" in info.value for info in app.info)
    assert len(launched) == 1 and "refresh-marts" in launched[0]
    done = subprocess.run(launched[0], cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode == 0, done.stderr
    new = warehouse.current_snapshot(shop)
    reader = warehouse.open_reader(new)
    try:
        assert new.seq == old.seq + 1 and warehouse.missing_migrations(reader) == []
    finally:
        reader.close()
    assert jobs.launch_schema_upgrade(shop, []) is None
