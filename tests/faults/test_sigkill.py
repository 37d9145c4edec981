"""SIGKILL an import, a mart rebuild and a snapshot publish at each named fault point: whatever runs
next (the same command, any job, `status`) leaves the published warehouse equal to an
uninterrupted run's, marts included."""

from __future__ import annotations

from analytics.core import jobs, warehouse
from models.settings import Settings
from tests.faults.conftest import (
    DEMO,
    assert_same_tables,
    cli,
    crash_cli,
    primary_tables,
    published_tables,
    rees46,
    snapshot_files,
)


def test_kill_after_staging_writes_nothing_and_the_import_reruns(shop, demo_only, demo_and_import):
    crash_cli(shop.db_path, "import", str(rees46()), fault="import.after_staging")

    assert_same_tables(primary_tables(shop), demo_only)  # nothing was written
    assert warehouse.unpublished(shop) is None
    cli(shop.db_path, "import", str(rees46()))
    assert_same_tables(published_tables(shop), demo_and_import)
    assert [j["status"] for j in jobs.list_jobs(shop, limit=2)] == ["done", "crashed"]


def test_kill_after_commit_is_published_by_the_same_import_again(shop, demo_only, demo_and_import, capsys):
    crash_cli(shop.db_path, "import", str(rees46()), fault="import.after_commit")
    assert_same_tables(published_tables(shop), demo_only)
    assert warehouse.unpublished(shop).owes_marts

    cli(shop.db_path, "import", str(rees46()))

    assert "already imported" in capsys.readouterr().out
    assert_same_tables(published_tables(shop), demo_and_import)
    assert warehouse.unpublished(shop) is None
    assert snapshot_files(shop) == ["000001.duckdb", "000002.duckdb", "CURRENT"]


def test_kill_during_the_imports_mart_rebuild_is_published_by_any_next_job(shop, demo_and_import):
    crash_cli(shop.db_path, "import", str(rees46()), fault="marts.mid_rebuild")

    other = jobs.run_job(shop, "other", lambda ctx: {"did": "nothing of its own"})

    assert other.status == "done"
    assert_same_tables(published_tables(shop), demo_and_import)


def test_refresh_marts_killed_mid_rebuild_changes_nothing_and_reruns(shop, demo_and_import):
    cli(shop.db_path, "import", str(rees46()))
    crash_cli(shop.db_path, "refresh-marts", fault="marts.mid_rebuild")

    assert_same_tables(primary_tables(shop), demo_and_import)  # the rebuild rolled back whole
    assert warehouse.unpublished(shop) is None
    cli(shop.db_path, "refresh-marts")
    assert_same_tables(published_tables(shop), demo_and_import)


def test_kill_between_snapshot_copy_and_pointer_swap_is_published_by_status(tmp_path, demo_only, capsys):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    crash_cli(settings.db_path, *DEMO, fault="publish.after_copy")
    # The first snapshot was copied but never pointed at: nothing is published yet.
    assert warehouse.current_snapshot(settings) is None
    assert "UNPUBLISHED" in snapshot_files(settings)

    cli(settings.db_path, "status")

    out = capsys.readouterr()
    assert "published what a crashed job had committed" in out.err
    assert "events" in out.out and "9,998" in out.out
    assert_same_tables(published_tables(settings), demo_only)
    assert snapshot_files(settings) == ["000001.duckdb", "CURRENT"]


def test_kill_after_pointer_swap_leaves_the_new_snapshot_published(tmp_path, demo_and_import, monkeypatch):
    monkeypatch.setenv("MA_SNAPSHOTS_KEPT", "1")  # for this process's commands and the crashing one
    settings = Settings(db_path=tmp_path / "warehouse.duckdb", snapshots_kept=1)
    cli(settings.db_path, *DEMO)
    crash_cli(settings.db_path, "import", str(rees46()), fault="publish.after_swap")

    assert_same_tables(published_tables(settings), demo_and_import)
    assert warehouse.unpublished(settings) is None
    assert snapshot_files(settings) == ["000001.duckdb", "000002.duckdb", "CURRENT"]  # not cleaned up yet
    cli(settings.db_path, "refresh-marts")  # the next publish removes what the crash left
    assert snapshot_files(settings) == ["000003.duckdb", "CURRENT"]
    assert_same_tables(published_tables(settings), demo_and_import)


def test_kill_mid_incremental_refresh_is_redone_by_any_next_job(tmp_path):
    # A later part of the REES46 sample appended to the earlier one refreshes incrementally; killed
    # after it deleted the touched sessions' rows, the refresh rolls back whole and the next job
    # redoes it, leaving what an uninterrupted import leaves.
    from tests.unit.conversion.test_incremental import split_by_time

    early, late = split_by_time(
        "rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz", "event_time", "product_id", tmp_path
    )
    uninterrupted = Settings(db_path=tmp_path / "uninterrupted" / "warehouse.duckdb")
    crashed = Settings(db_path=tmp_path / "crashed" / "warehouse.duckdb")
    for settings in (uninterrupted, crashed):
        cli(settings.db_path, "import", str(early), "--create")
    cli(uninterrupted.db_path, "import", str(late))

    crash_cli(crashed.db_path, "import", str(late), fault="marts.mid_incremental")
    assert warehouse.unpublished(crashed).owes_marts
    other = jobs.run_job(crashed, "other", lambda ctx: {"did": "nothing of its own"})

    assert other.status == "done"
    assert_same_tables(published_tables(crashed), published_tables(uninterrupted))
