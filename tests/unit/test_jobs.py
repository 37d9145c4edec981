import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from analytics.core import jobs, warehouse
from tests.conftest import ROOT


def _count(settings, table="searches"):
    reader = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return reader.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        reader.close()


def _insert_batches(n, fail_at=None, sleep=0.0):
    def job(ctx):
        start = (ctx.resume_state or {}).get("done", 0)
        for i in range(start, n):
            if i == fail_at:
                raise RuntimeError(f"boom at batch {i}")
            with ctx.batch(checkpoint={"done": i + 1}):
                ctx.con.execute("insert into searches values ('u', 's', $q, now(), null)", {"q": f"q{i}"})
            ctx.progress(i + 1, n, f"batch {i + 1}")
            time.sleep(sleep)
        return {"batches": n - start}

    return job


def test_job_publishes_and_records_status(settings):
    result = jobs.run_job(settings, "insert", _insert_batches(3), params={"n": 3})
    assert result.status == "done" and result.summary == {"batches": 3}
    assert _count(settings) == 3
    job = jobs.get_job(settings, result.job_id)
    assert job["status"] == "done" and job["progress_done"] == 3 and job["progress_total"] == 3


def test_failed_job_keeps_committed_batches_and_resumes(settings):
    failed = jobs.run_job(settings, "insert", _insert_batches(5, fail_at=3), params={"n": 5})
    assert failed.status == "failed" and "boom at batch 3" in failed.error
    assert _count(settings) == 3  # committed batches are published, nothing half-written
    resumed = jobs.run_job(settings, "insert", _insert_batches(5), params={"n": 5})
    assert resumed.status == "done" and resumed.summary == {"batches": 2}
    assert _count(settings) == 5


def test_cancel_stops_at_batch_boundary(settings):
    job_id = jobs.create_job(settings, "insert", {"n": 50}, "test")
    runner = threading.Thread(
        target=lambda: jobs.run_job(
            settings, "insert", _insert_batches(50, sleep=0.05), params={"n": 50}, job_id=job_id
        )
    )
    runner.start()
    time.sleep(0.5)
    jobs.request_cancel(settings, job_id)
    runner.join(20)
    job = jobs.get_job(settings, job_id)
    assert job["status"] == "cancelled"
    assert 0 < _count(settings) < 50


def test_second_job_waits_for_the_lock(settings):
    messages = []
    first = threading.Thread(target=lambda: jobs.run_job(settings, "slow", _insert_batches(10, sleep=0.1)))
    first.start()
    time.sleep(0.3)
    result = jobs.run_job(settings, "quick", _insert_batches(1), on_wait=messages.append)
    first.join()
    assert result.status == "done"
    assert messages and "waiting for job" in messages[0]
    assert _count(settings) == 11


def test_lock_timeout_is_reported(settings):
    s = settings.with_overrides(job_lock_timeout_s=0.5)
    holder = threading.Thread(target=lambda: jobs.run_job(s, "slow", _insert_batches(10, sleep=0.15)))
    holder.start()
    time.sleep(0.3)
    with pytest.raises(jobs.JobLockTimeout, match="waiting for job"):
        jobs.run_job(s, "quick", _insert_batches(1))
    holder.join()


SCRIPT = """
import sys, time
from analytics.core import jobs
from models.settings import Settings
s = Settings(db_path=sys.argv[1])
def job(ctx):
    start = (ctx.resume_state or {}).get("done", 0)
    for i in range(start, 40):
        with ctx.batch(checkpoint={"done": i + 1}):
            ctx.con.execute("insert into searches values ('u', 's', $q, now(), null)", {"q": f"q{i}"})
        print(i + 1, flush=True)
        time.sleep(0.05)
jobs.run_job(s, "crashy", job, params={"n": 40})
"""


def test_sigkill_mid_job_loses_at_most_one_batch_and_resumes(settings):
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(settings.db_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    for _ in range(10):
        proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The warehouse opens, holds whole batches only, and the next run resumes from the checkpoint.
    con = warehouse.open_writer(settings)
    committed = con.execute("select count(*) from searches").fetchone()[0]
    warehouse.close_writer(con)
    assert committed >= 10
    assert [j["status"] for j in jobs.list_jobs(settings)] == ["crashed"]
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(settings.db_path)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    assert _count(settings) == 40
    assert jobs.list_jobs(settings)[0]["status"] == "done"


def test_prepare_runs_before_the_lock_on_the_published_snapshot(settings):
    jobs.run_job(settings, "seed", _insert_batches(2))
    holder = threading.Thread(target=lambda: jobs.run_job(settings, "slow", _insert_batches(8, sleep=0.1)))
    holder.start()
    time.sleep(0.2)

    def prepare(ctx):
        # Runs while another job holds the lock, reading what was published.
        seen = ctx.con.execute("select count(*) from searches").fetchone()[0]
        with pytest.raises(Exception):  # noqa: B017 - the snapshot is read-only
            with ctx.batch():
                ctx.con.execute("delete from searches")
        return seen

    def write(ctx):
        return {"seen": ctx.prepared, "rows": ctx.con.execute("select count(*) from searches").fetchone()[0]}

    waits = []
    result = jobs.run_job(settings, "two_step", write, prepare=prepare, on_wait=waits.append)
    holder.join()
    # prepare saw the 2 published rows; the write step waited for the slow job and saw its 8 too.
    assert result.status == "done" and result.summary == {"seen": 2, "rows": 10}
    assert waits and "waiting for job" in waits[0]


def test_failed_prepare_is_recorded(settings):
    def prepare(ctx):
        raise ValueError("no rated reviews")

    result = jobs.run_job(settings, "two_step", lambda ctx: {}, prepare=prepare)
    assert result.status == "failed" and "no rated reviews" in result.error
    assert jobs.get_job(settings, result.job_id)["status"] == "failed"


def test_command_line_jobs_are_audited(settings):
    from analytics.core import appstate

    result = jobs.run_job(settings, "insert", _insert_batches(1), params={"n": 1}, actor="ops@shop.test")
    entry = appstate.read_audit(settings)[0]
    assert (entry["actor"], entry["action"], entry["target"]) == ("ops@shop.test", "insert", f"job {result.job_id}")


def test_a_launched_job_runs_the_command_line_from_the_project_folder(settings, tmp_path, monkeypatch):
    """launch_job starts `python -m analytics` as the dashboard does; it must find the package
    whatever folder the server runs in, and finish the job it recorded."""
    jobs.run_job(settings, "noop", lambda ctx: None)
    monkeypatch.chdir(tmp_path)
    job_id = jobs.launch_job(settings, "refresh-marts", ["refresh-marts"], {}, "tester")
    deadline = time.monotonic() + 600  # hang guard only: a cold CLI start takes seconds, not minutes
    while (job := jobs.get_job(settings, job_id))["status"] in jobs.ACTIVE and time.monotonic() < deadline:
        time.sleep(0.5)
    log = (settings.db_path.parent / f"{settings.db_path.stem}.jobs" / f"{job_id}.log").read_text()
    assert job["status"] == "done", log


def test_a_launched_process_that_dies_before_taking_its_job_reads_as_crashed(settings, monkeypatch):
    jobs.run_job(settings, "noop", lambda ctx: None)
    monkeypatch.setattr(jobs.sys, "executable", "/bin/false")  # exits at once, never takes the job
    job_id = jobs.launch_job(settings, "refresh-marts", ["refresh-marts"], {}, "tester")
    deadline = time.monotonic() + 600  # hang guard only
    while jobs.mark_crashed_jobs(settings) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert jobs.get_job(settings, job_id)["status"] == "crashed"
