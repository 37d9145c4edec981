"""The job runner every writing job goes through (import, demo, scoring, segmentation, ...).

A job:
- waits for the job lock (one writer at a time), showing whom it waits for;
- writes the primary warehouse in batches, each batch one transaction, so a crash loses at
  most the batch in flight, and records a checkpoint after each so a rerun resumes;
- reports progress and honours cancel requests between batches;
- publishes a snapshot when it ends, so the dashboard switches from the last complete state
  to the next complete state and never sees half-written work;
- first publishes what a crashed job committed and never published (docs/ARCHITECTURE.md,
  "What a crash leaves").

Job status lives in the app store (analytics.core.appstate), where the dashboard reads it.
See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from analytics.core import appstate, faults, warehouse
from analytics.trust import privacy
from models.settings import Settings

# Jobs the dashboard launches run `python -m analytics` from the project folder (the one holding analytics/).
PROJECT_DIR = Path(__file__).resolve().parents[2]
ACTIVE = ("queued", "waiting", "running")
PROGRESS_EVERY_S = 0.5
# Job kinds that change canonical data: after them the marts are rebuilt before publishing.
MART_REFRESH_KINDS = frozenset({"demo", "import"})
# Who is recorded for jobs nobody asked for: the dashboard finishing a crashed job's work.
SYSTEM_ACTOR = "system"
MASKED_COLUMNS = frozenset({"error", "message"})


class JobCancelled(Exception):
    """Raised inside a job at a batch boundary when a cancel was requested."""


class JobLockTimeout(TimeoutError):
    """Another job held the warehouse for longer than ``job_lock_timeout_s``."""


@dataclass(frozen=True)
class JobResult:
    job_id: int
    status: str  # done, failed, cancelled
    summary: dict[str, Any]
    error: str | None = None


@dataclass
class JobContext:
    """What a job function receives: the writer connection and its reporting hooks."""

    job_id: int
    kind: str
    settings: Settings
    con: duckdb.DuckDBPyConnection
    resume_state: dict[str, Any] | None
    show_progress: bool = False
    dirty: bool = False
    prepared: Any = None  # what the job's prepare step returned (run_job's ``prepare``)
    marked_unpublished: bool = False  # this job wrote the UNPUBLISHED marker
    _last_report: float = 0.0
    _bar: Any = field(default=None, repr=False)

    @contextmanager
    def batch(self, checkpoint: dict[str, Any] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """One batch: one transaction, then the checkpoint that lets a rerun skip it."""
        self.con.begin()
        try:
            yield self.con
            self._mark_unpublished()
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        self.dirty = True
        if checkpoint is not None:
            _update(self.settings, self.job_id, checkpoint=appstate.to_json(checkpoint))

    def _mark_unpublished(self) -> None:
        # Before the job's first commit: from then on the primary is ahead of the snapshot until
        # this job publishes, and a crash in between must leave a trace for the next one.
        if not self.marked_unpublished:
            warehouse.mark_unpublished(
                self.settings, self.job_id, self.kind, owes_marts=self.kind in MART_REFRESH_KINDS
            )
            self.marked_unpublished = True

    def progress(self, done: float, total: float | None = None, message: str = "") -> None:
        """Report progress (throttled) and stop here if a cancel was requested."""
        now = time.monotonic()
        final = total is not None and done >= total
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.set_description_str(message[:60], refresh=False)
            self._bar.refresh()
        if not final and now - self._last_report < PROGRESS_EVERY_S:
            return
        self._last_report = now
        with appstate.connect(self.settings) as con:
            con.execute(
                "update job_runs set progress_done = ?, progress_total = ?, message = ?, updated_at = ? "
                "where job_id = ?",
                (done, total, message, appstate.utc_now(), self.job_id),
            )
            cancel = con.execute("select cancel_requested from job_runs where job_id = ?", (self.job_id,)).fetchone()
        if cancel and cancel[0]:
            raise JobCancelled(f"job {self.job_id} cancelled at {done:g}/{total or '?'}")


JobFn = Callable[[JobContext], dict[str, Any] | None]


def run_job(
    settings: Settings,
    kind: str,
    fn: JobFn,
    *,
    params: dict[str, Any] | None = None,
    actor: str = "cli",
    job_id: int | None = None,
    show_progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    prepare: JobFn | None = None,
) -> JobResult:
    """Run ``fn`` as a job: lock, writer connection, batches, publish, status.

    ``job_id`` is given when the dashboard queued the job (launch_job); otherwise a new job
    row is created. The job's ``resume_state`` is the checkpoint of the newest unfinished run
    of the same kind and params, if any.

    ``prepare`` is long read-only work (training a model, say) done *before* taking the write
    lock, so other jobs need not wait for it: it gets a context whose connection reads the
    published snapshot (``ctx.batch`` fails there) and its result reaches ``fn`` as
    ``ctx.prepared``.
    """
    params = params or {}
    faults.arm(settings.fault_point)
    if job_id is None:
        job_id = create_job(settings, kind, params, actor)
        # Jobs the dashboard launches are audited there, with the user's role; the command
        # line runs with the file owner's rights.
        appstate.record_audit(settings, actor, "cli", kind, f"job {job_id}", **params)
    _update(settings, job_id, status="waiting", pid=os.getpid())
    prepared = None
    if prepare is not None:
        outcome = _run_prepare(settings, job_id, kind, prepare, show_progress)
        if isinstance(outcome, JobResult):
            return outcome
        prepared = outcome
    with job_lock(settings, job_id, kind, on_wait=on_wait):
        mark_crashed_jobs(settings)
        _update(settings, job_id, status="running", started_at=appstate.utc_now())
        try:
            con = warehouse.open_writer(settings)
        except Exception as exc:  # noqa: BLE001 - recorded on the job and returned
            error = f"cannot open the warehouse {settings.db_path}: {exc}"
            _update(settings, job_id, status="failed", error=error, message=error, finished_at=appstate.utc_now())
            return JobResult(job_id, "failed", {}, error)
        try:
            con = _publish_left_over(settings, con, job_id)
        except Exception as exc:  # noqa: BLE001 - recorded on the job and returned
            error = f"could not publish what an earlier job left in {settings.db_path}: {type(exc).__name__}: {exc}"
            _update(settings, job_id, status="failed", error=error, message=error, finished_at=appstate.utc_now())
            return JobResult(job_id, "failed", {}, error)
        return _run_locked(settings, con, job_id, kind, fn, params, show_progress, prepared)


def _publish_left_over(settings: Settings, con: duckdb.DuckDBPyConnection, job_id: int) -> duckdb.DuckDBPyConnection:
    """Publish, before this job's own work, what a crashed job committed and never published.

    The marts are rebuilt first when that job owed them (or they are stale), so the snapshot never
    pairs new data with old marts. Returns the writer connection, reopened after publishing.
    """
    pending = warehouse.unpublished(settings)
    if pending is None:
        return con
    from analytics.core import marts

    try:
        if pending.owes_marts or marts.is_stale(con):
            con.begin()
            marts.refresh(con)
            con.commit()
        warehouse.close_writer(con)
    except BaseException:
        con.close()  # uncommitted: the rebuild rolls back
        raise
    snapshot = warehouse.publish_snapshot(settings, job_id)
    who = f"job {pending.job_id} ({pending.kind})" if pending.job_id is not None else "an earlier job"
    _update(settings, job_id, message=f"published snapshot {snapshot.seq}: what {who} committed before it stopped")
    return warehouse.open_writer(settings)


def _run_prepare(settings: Settings, job_id: int, kind: str, prepare: JobFn, show_progress: bool) -> Any:
    """Run the read-only step on the published snapshot; a JobResult when it failed or was cancelled."""
    _update(settings, job_id, status="running", started_at=appstate.utc_now())
    snapshot = warehouse.current_snapshot(settings)
    reader = warehouse.open_reader(snapshot) if snapshot else warehouse.connect_memory()
    ctx = JobContext(job_id, kind, settings, reader, None, show_progress)
    status, error = None, None
    try:
        return prepare(ctx)
    except JobCancelled as exc:
        status, error = "cancelled", str(exc)
    except Exception as exc:  # noqa: BLE001 - recorded on the job and returned
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        reader.close()
    _update(settings, job_id, status=status, error=error, message=error, finished_at=appstate.utc_now())
    return JobResult(job_id, status, {}, error)


def _run_locked(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    job_id: int,
    kind: str,
    fn: JobFn,
    params: dict,
    show_progress: bool,
    prepared: Any = None,
) -> JobResult:
    ctx = JobContext(job_id, kind, settings, con, _resume_state(settings, kind, params, job_id), show_progress)
    ctx.prepared = prepared
    ctx.dirty = not warehouse.current_snapshot(settings)  # the first job always publishes
    if show_progress:
        from tqdm import tqdm

        ctx._bar = tqdm(total=None, file=sys.stderr, unit="", dynamic_ncols=True)
    previous = signal.signal(signal.SIGTERM, _raise_cancel) if _main_thread() else None
    status, error, summary = "done", None, {}
    try:
        summary = fn(ctx) or {}
    except JobCancelled as exc:
        status, error = "cancelled", str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and returned, not lost
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        _update(settings, job_id, error=error + "\n" + traceback.format_exc(limit=8))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if ctx._bar is not None:
            ctx._bar.close()
        refresh_error, refreshed = _refresh_marts(ctx)
        if refresh_error:
            status, error = ("failed" if status == "done" else status), "; ".join(filter(None, [error, refresh_error]))
        if refreshed and isinstance(summary, dict):
            summary = summary | {"marts": refreshed}
        warehouse.close_writer(con)
        if ctx.dirty:
            warehouse.publish_snapshot(settings, job_id)
    _update(
        settings,
        job_id,
        status=status,
        finished_at=appstate.utc_now(),
        summary=appstate.to_json(summary),
        message=error or "finished",
        checkpoint=None if status == "done" else _keep,
    )
    return JobResult(job_id, status, summary, error)


def _refresh_marts(ctx: JobContext) -> tuple[str | None, dict[str, Any] | None]:
    """Bring the marts up to date in one batch when the job changed canonical data (also after a
    failure or cancel that kept committed batches), so the snapshot never pairs new data with old
    marts. Returns (error, how the marts were refreshed: mode, why a full rebuild, seconds)."""
    if ctx.kind not in MART_REFRESH_KINDS or not ctx.dirty:
        return None, None
    from analytics.core import marts

    try:
        with ctx.batch():
            refreshed = marts.refresh(ctx.con)
    except Exception as exc:  # noqa: BLE001 - recorded on the job; the previous marts stay
        return f"mart refresh failed: {type(exc).__name__}: {exc}", None
    # Still unpublished, but a crash from here on owes the next job a publish only, not a rebuild.
    warehouse.mark_unpublished(ctx.settings, ctx.job_id, ctx.kind, owes_marts=False)
    return None, {key: refreshed[key] for key in ("mode", "why_full", "seconds")}


def create_job(settings: Settings, kind: str, params: dict[str, Any], actor: str, status: str = "queued") -> int:
    now = appstate.utc_now()
    with appstate.connect(settings) as con:
        cur = con.execute(
            "insert into job_runs (kind, params, resume_key, status, actor, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (kind, appstate.to_json(params), _resume_key(kind, params), status, actor, now, now),
        )
        return int(cur.lastrowid)


def launch_job(settings: Settings, kind: str, argv: list[str], params: dict[str, Any], actor: str) -> int:
    """Queue a job and start it as a separate process (``python -m analytics ...``).

    Used by the dashboard: the job outlives the page's rerun and the server never holds the
    warehouse's write lock. Output goes to ``<db>.jobs/<job_id>.log``.
    """
    job_id = create_job(settings, kind, params, actor)
    log_dir = settings.db_path.parent / f"{settings.db_path.stem}.jobs"
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "analytics", "--db", str(settings.db_path), *argv]
    command += ["--job-id", str(job_id), "--actor", actor]
    with open(log_dir / f"{job_id}.log", "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - argv list, no shell
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=PROJECT_DIR,
        )
    # The row stays queued until the process takes the job; with its pid recorded now, a process
    # that dies before that (a broken install, a bad argument) reads as crashed, not queued forever.
    _update(settings, job_id, pid=process.pid)
    return job_id


def left_unpublished(settings: Settings) -> warehouse.Unpublished | None:
    """What a crashed job committed and never published, if no job is queued or running to publish it.

    Every job publishes such work before its own, so an active job means there is nothing to do
    (None), as does a current snapshot (no marker).
    """
    pending = warehouse.unpublished(settings)
    if pending is None:
        return None
    mark_crashed_jobs(settings)
    with appstate.connect(settings) as con:
        active = con.execute("select count(*) from job_runs where status in ('queued', 'waiting', 'running')")
        return None if active.fetchone()[0] else pending


def finish_unpublished(settings: Settings, actor: str = "cli") -> JobResult | None:
    """In this process, run a job whose only work is publishing what a crashed job left.

    For command-line readers (``status``): a command-line process may write. None when nothing
    was left unpublished or a job that will publish it is already queued or running.
    """
    pending = left_unpublished(settings)
    if pending is None:
        return None
    return run_job(settings, "publish", lambda ctx: {"finishes_job": pending.job_id}, actor=actor)


def launch_finish_unpublished(settings: Settings) -> int | None:
    """Launch ``refresh-marts`` as a job that publishes what a crashed job left; its id, or None.

    For the dashboard, which never writes the primary (any job publishes such work first). Once per
    crashed job, so a repair that fails is shown in the job list instead of being retried on every
    rerun.
    """
    pending = left_unpublished(settings)
    if pending is None:
        return None
    return _launch_publish_once(settings, {"finishes_job": pending.job_id})


def launch_schema_upgrade(settings: Settings, missing: list[int]) -> int | None:
    """Launch ``refresh-marts`` when the published snapshot lacks migrations of this code
    (``missing``, from ``warehouse.missing_migrations``); its id, or None.

    After an upgrade of the code the pages' SQL may call tables or macros that an older snapshot
    lacks. Any job migrates the primary and publishes it, so the dashboard (which never writes)
    launches one, once per set of missing migrations, and only while no other job will publish first.
    """
    if not missing:
        return None
    with appstate.connect(settings) as con:
        busy = con.execute("select count(*) from job_runs where status in ('queued', 'waiting', 'running')")
        if busy.fetchone()[0]:
            return None
    return _launch_publish_once(settings, {"missing_migrations": list(missing)})


def _launch_publish_once(settings: Settings, params: dict[str, Any]) -> int | None:
    """Launch ``refresh-marts`` for the system actor (audited) unless one with ``params`` was launched
    before: a repair that failed is shown in the job list, not retried on every rerun."""
    with appstate.connect(settings) as con:
        tried = con.execute(
            "select 1 from job_runs where resume_key = ?", (_resume_key("refresh_marts", params),)
        ).fetchone()
    if tried:
        return None
    job_id = launch_job(settings, "refresh_marts", ["refresh-marts"], params, SYSTEM_ACTOR)
    appstate.record_audit(settings, SYSTEM_ACTOR, SYSTEM_ACTOR, "refresh_marts", f"job {job_id}", **params)
    return job_id


def request_cancel(settings: Settings, job_id: int) -> None:
    """Ask a job to stop at its next batch boundary (committed batches are kept)."""
    with appstate.connect(settings) as con:
        con.execute(
            "update job_runs set cancel_requested = 1, updated_at = ? where job_id = ?",
            (appstate.utc_now(), job_id),
        )


def list_jobs(settings: Settings, limit: int = 20) -> list[dict[str, Any]]:
    """Newest jobs first; running jobs whose process died are shown as crashed."""
    mark_crashed_jobs(settings)
    with appstate.connect(settings) as con:
        rows = con.execute("select * from job_runs order by job_id desc limit ?", (limit,)).fetchall()
    return [dict(r) for r in rows]


def get_job(settings: Settings, job_id: int) -> dict[str, Any] | None:
    with appstate.connect(settings) as con:
        row = con.execute("select * from job_runs where job_id = ?", (job_id,)).fetchone()
    return dict(row) if row else None


def mark_crashed_jobs(settings: Settings) -> int:
    """Jobs left queued, waiting or running by a process that no longer exists crashed."""
    with appstate.connect(settings) as con:
        rows = con.execute(
            "select job_id, pid from job_runs where status in ('queued', 'waiting', 'running')"
        ).fetchall()
        dead = [r["job_id"] for r in rows if r["pid"] and not _alive(r["pid"])]
        for job_id in dead:
            con.execute(
                "update job_runs set status = 'crashed', message = 'process ended without finishing', "
                "finished_at = ?, updated_at = ? where job_id = ?",
                (appstate.utc_now(), appstate.utc_now(), job_id),
            )
    return len(dead)


@contextmanager
def job_lock(
    settings: Settings, job_id: int, kind: str, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the warehouse's write lock; wait (up to job_lock_timeout_s) while another job has it."""
    settings.lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_path, "a+") as handle:
        deadline = time.monotonic() + settings.job_lock_timeout_s
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(handle)
                if not told:
                    message = f"waiting for {holder} to finish"
                    _update(settings, job_id, message=message)
                    if on_wait:
                        on_wait(message)
                    told = True
                if time.monotonic() > deadline:
                    raise JobLockTimeout(
                        f"gave up after {settings.job_lock_timeout_s:.0f}s waiting for {holder} "
                        f"(lock file {settings.lock_path})"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"job_id": job_id, "kind": kind, "pid": os.getpid()}))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_keep = object()  # sentinel: leave a column as it is


def _update(settings: Settings, job_id: int, **columns: Any) -> None:
    columns = {k: v for k, v in columns.items() if v is not _keep}
    # Job history is shown by `jobs` and the Data page: errors and messages are stored masked.
    for name in MASKED_COLUMNS & columns.keys():
        columns[name] = privacy.mask_pii(columns[name])
    columns["updated_at"] = appstate.utc_now()
    assignments = ", ".join(f"{name} = ?" for name in columns)  # names are this module's literals
    with appstate.connect(settings) as con:
        con.execute(f"update job_runs set {assignments} where job_id = ?", (*columns.values(), job_id))


def _resume_state(settings: Settings, kind: str, params: dict, job_id: int) -> dict[str, Any] | None:
    with appstate.connect(settings) as con:
        row = con.execute(
            "select checkpoint from job_runs where resume_key = ? and job_id < ? "
            "and status in ('crashed', 'cancelled', 'failed') and checkpoint is not null "
            "order by job_id desc limit 1",
            (_resume_key(kind, params), job_id),
        ).fetchone()
    return json.loads(row[0]) if row else None


def _resume_key(kind: str, params: dict[str, Any]) -> str:
    return f"{kind}:{appstate.to_json(params)}"


def _lock_holder(handle: Any) -> str:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except json.JSONDecodeError:
        info = {}
    if not info:
        return "another job"
    return f"job {info.get('job_id')} ({info.get('kind')}, pid {info.get('pid')})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (finished, not yet reaped by its parent) is not running.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def _raise_cancel(signum: int, frame: Any) -> None:
    raise JobCancelled(f"received signal {signum}")


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
