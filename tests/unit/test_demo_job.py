"""build_demo as a job: batches and checkpoints, resume after a crash, replace, the imports row."""

from __future__ import annotations

import re

import duckdb
import pytest

from analytics.core import jobs, warehouse
from analytics.demo import DemoParams, build_demo, writer
from models.settings import Settings
from tests.unit import statements
from tests.unit.demo_support import CrashInBatch, FakeContext, build_memory, table_digests

SMALL_CHUNKS = DemoParams(users_per_chunk=150)  # 40k events -> 5 chunks
EVENTS = 40_000


def test_progress_and_a_checkpoint_after_every_chunk():
    con = warehouse.connect_memory()
    ctx = FakeContext(con)
    summary = build_demo(ctx, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)
    chunks = summary["chunks"]
    assert chunks >= 4
    assert [c["chunks_done"] for c in ctx.checkpoints] == list(range(1, chunks + 1))
    assert ctx.checkpoints[-1]["counters"]["events"] == summary["events"]
    assert [call[0] for call in ctx.progress_calls] == list(range(0, chunks + 1))
    assert con.execute("select count(*) from products").fetchone()[0] == summary["products"]


def test_resume_after_a_crash_gives_the_tables_of_an_uninterrupted_run():
    whole, _ = build_memory(EVENTS, seed=1, params=SMALL_CHUNKS)
    con = warehouse.connect_memory()
    crashing = FakeContext(con, crash_in_batch=3)
    with pytest.raises(CrashInBatch):
        build_demo(crashing, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)
    assert len(crashing.checkpoints) == 2  # the third chunk was rolled back
    committed = con.execute("select count(*) from events").fetchone()[0]
    assert committed == crashing.checkpoints[-1]["counters"]["events"]

    resumed = FakeContext(con, resume_state=crashing.checkpoints[-1])
    summary = build_demo(resumed, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)
    assert summary["resumed_chunks"] == 2
    assert table_digests(con) == table_digests(whole)


def test_resumed_replace_run_does_not_delete_its_own_chunks():
    fresh = warehouse.connect_memory()
    build_demo(FakeContext(fresh), events=20_000, seed=9, replace=False)  # something to replace
    whole, _ = build_memory(EVENTS, seed=1, params=SMALL_CHUNKS)

    crashing = FakeContext(fresh, crash_in_batch=4)
    with pytest.raises(CrashInBatch):
        build_demo(crashing, events=EVENTS, seed=1, replace=True, params=SMALL_CHUNKS)
    resumed = FakeContext(fresh, resume_state=crashing.checkpoints[-1])
    summary = build_demo(resumed, events=EVENTS, seed=1, replace=True, params=SMALL_CHUNKS)
    assert summary["resumed_chunks"] == 3
    assert table_digests(fresh) == table_digests(whole)


def test_a_checkpoint_of_other_parameters_is_not_resumed():
    con = warehouse.connect_memory()
    crashing = FakeContext(con, crash_in_batch=2)
    with pytest.raises(CrashInBatch):
        build_demo(crashing, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)
    other = FakeContext(con, resume_state=crashing.checkpoints[-1])
    with pytest.raises(ValueError, match="already holds"):  # seed 2 is another shop: start over, so refuse
        build_demo(other, events=EVENTS, seed=2, replace=False, params=SMALL_CHUNKS)
    summary = build_demo(other, events=EVENTS, seed=2, replace=True, params=SMALL_CHUNKS)
    assert summary["resumed_chunks"] == 0
    assert table_digests(con) == table_digests(build_memory(EVENTS, seed=2, params=SMALL_CHUNKS)[0])


def test_refuses_to_mix_the_demo_into_existing_data():
    con, summary = build_memory(15_000, seed=1)
    with pytest.raises(ValueError) as caught:
        build_demo(FakeContext(con), events=15_000, seed=2, replace=False)
    message = str(caught.value)
    assert re.fullmatch(r"warehouse already holds [\d,]+ events; pass --replace to rebuild it", message)
    assert f"{summary['events']:,} events" in message


def test_refuses_when_only_products_exist():
    con = warehouse.connect_memory()
    con.execute("insert into products values ('x1', 'Thing', 'home.decor.lamp', 'Acme', 9.99)")
    with pytest.raises(ValueError, match="holds 0 users and 1 products; pass --replace"):
        build_demo(FakeContext(con), events=15_000, seed=1, replace=False)


def test_replace_clears_every_canonical_table_first():
    con = warehouse.connect_memory()
    con.execute("insert into imports values (41, 'csv', 'old.csv', 'abc', 1, 1, timestamp '2025-01-01', 'cli', null)")
    con.execute("insert into products values ('x1', 'Thing', 'home.decor.lamp', 'Acme', 9.99)")
    con.execute("insert into users values ('someone', timestamp '2025-01-01', 'US', true, null)")
    con.execute("insert into events (event_time, event_type, user_id, import_id) values (now(), 'view', 'someone', 41)")
    con.execute("insert into searches values ('someone', 's', 'lamp', now(), 41)")
    con.execute("insert into reviews (review_id, rating) values ('old', 5)")
    build_demo(FakeContext(con), events=15_000, seed=1, replace=True)
    assert table_digests(con) == table_digests(build_memory(15_000, seed=1)[0])


def test_the_import_is_recorded_and_every_row_points_at_it():
    con, summary = build_memory(15_000, seed=4)
    row = con.execute(
        "select import_id, source_format, file_name, file_sha256, rows_read, rows_written, actor from imports"
    ).fetchall()
    assert len(row) == 1
    import_id, source, name, sha, read, written, actor = row[0]
    assert (source, name, actor) == ("demo", "demo:events=15000,seed=4", "demo")
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    assert read == written == summary["events"] and import_id == summary["import_id"]
    for table in ("events", "reviews", "searches"):
        ids = con.execute(f"select distinct import_id from {table}").fetchall()
        assert ids == [(import_id,)]
    other, _ = build_memory(15_000, seed=5)
    assert other.execute("select file_sha256 from imports").fetchone()[0] != sha


def test_crash_and_resume_through_the_real_job_runner(tmp_path, monkeypatch):
    settings = Settings(db_path=tmp_path / "w.duckdb", job_lock_timeout_s=30)
    params = {"events": EVENTS, "seed": 1, "replace": False}

    def job(ctx):
        return build_demo(ctx, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)

    real_write = writer.write_chunk
    calls = []

    def failing_write(con, tables, import_id):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        real_write(con, tables, import_id)

    monkeypatch.setattr(writer, "write_chunk", failing_write)
    first = jobs.run_job(settings, "demo", job, params=params)
    assert first.status == "failed" and "disk full" in first.error
    monkeypatch.setattr(writer, "write_chunk", real_write)

    second = jobs.run_job(settings, "demo", job, params=params)
    assert second.status == "done", second.error
    assert second.summary["resumed_chunks"] == 2
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        assert table_digests(con) == table_digests(build_memory(EVENTS, seed=1, params=SMALL_CHUNKS)[0])
    finally:
        con.close()


def test_every_statement_file_runs_in_a_crashed_and_resumed_build(monkeypatch):
    used = statements.record(monkeypatch)
    con = warehouse.connect_memory()
    crashing = FakeContext(con, crash_in_batch=2)
    with pytest.raises(CrashInBatch):
        build_demo(crashing, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)
    resumed = FakeContext(con, resume_state=crashing.checkpoints[-1])
    assert build_demo(resumed, events=EVENTS, seed=1, replace=False, params=SMALL_CHUNKS)["resumed_chunks"] == 1
    # Every file: the demo folder's read queries check the job's own writes (refusal, resume).
    not_run = statements.job_statements("demo", every_file=True) - used
    assert not not_run, f"not run by a demo build: {sorted(not_run)}"
