import duckdb
import pytest

from analytics.core import jobs, warehouse


def test_memory_warehouse_has_canonical_tables(con):
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"events", "products", "users", "reviews", "searches", "imports", "schema_migrations"} <= tables
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'events'"
        ).fetchall()
    }
    assert {"quantity", "currency", "order_id", "traffic_source", "device", "session_id"} <= columns


def test_migrate_is_idempotent_and_versioned(con):
    version = warehouse.schema_version(con)
    assert version == max(m.id for m in warehouse.migrations())
    assert warehouse.migrate(con) == []
    assert warehouse.schema_version(con) == version


def test_schema_rejects_unknown_event_type(con):
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into events (event_time, event_type) values (now(), 'click')")


def test_newer_database_is_refused(con):
    con.execute("insert into schema_migrations values (999, 'from_the_future', now())")
    with pytest.raises(warehouse.WarehouseError, match="999"):
        warehouse.migrate(con)


def test_publish_creates_readable_snapshot_and_keeps_few(settings):
    for i in range(5):
        con = warehouse.open_writer(settings)
        con.execute("insert into searches values ('u', 's', $q, now(), null)", {"q": f"query {i}"})
        warehouse.close_writer(con)
        snap = warehouse.publish_snapshot(settings, job_id=i)
    assert snap.seq == 5
    assert warehouse.current_snapshot(settings) == snap
    reader = warehouse.open_reader(snap)
    assert reader.execute("select count(*) from searches").fetchone()[0] == 5
    with pytest.raises(duckdb.Error):
        reader.execute("delete from searches")  # read-only
    reader.close()
    kept = sorted(p.name for p in settings.snapshot_dir.glob("*.duckdb"))
    assert kept == ["000003.duckdb", "000004.duckdb", "000005.duckdb"]


def test_reader_keeps_old_snapshot_while_writer_publishes(settings):
    result = jobs.run_job(settings, "t", lambda ctx: None)
    assert result.status == "done"
    first = warehouse.open_reader(warehouse.current_snapshot(settings))

    def write(ctx):
        with ctx.batch():
            ctx.con.execute("insert into searches values ('u', 's', 'shoes', now(), null)")

    jobs.run_job(settings, "t", write)
    # The open reader still sees its own complete snapshot, the new one sees the new row.
    assert first.execute("select count(*) from searches").fetchone()[0] == 0
    second = warehouse.open_reader(warehouse.current_snapshot(settings))
    assert second.execute("select count(*) from searches").fetchone()[0] == 1


def test_no_snapshot_before_first_publish(settings):
    assert warehouse.current_snapshot(settings) is None


def test_a_reader_is_capped_as_the_page_settings_say(tmp_path):
    path = tmp_path / "w.duckdb"
    writer = warehouse.configure(duckdb.connect(str(path)))
    writer.close()
    reader = warehouse.open_reader(warehouse.Snapshot(1, path, "", None), "512MB", 1)
    try:
        limit, threads = reader.execute("select current_setting('memory_limit'), current_setting('threads')").fetchone()
    finally:
        reader.close()
    assert (limit, threads) == ("488.2 MiB", 1)
