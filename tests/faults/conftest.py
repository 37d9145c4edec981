"""Crash a real job with SIGKILL at a chosen moment and look at what it left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from analytics.core import jobs, warehouse
from models.settings import Settings
from tests.conftest import ROOT


def start_cli(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", "--db", str(db), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def run_cli(db: Path, *args: str, timeout: float = 900) -> str:
    proc = start_cli(db, *args)
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out
    return out


def kill_when(settings: Settings, proc: subprocess.Popen, ready, timeout: float = 600) -> dict:
    """SIGKILL ``proc`` as soon as ``ready(job_row)`` holds for its newest job; return that row."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the job ended before it could be killed:\n{proc.stdout.read()}"
        rows = jobs.list_jobs(settings, limit=1) if settings.app_db_path.exists() else []
        if rows and ready(rows[0]):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            return rows[0]
        time.sleep(0.05)
    raise TimeoutError("the job never reached the point to kill it")


def table_counts(settings: Settings, tables: list[str]) -> dict[str, int]:
    """Open the primary file read-write the way the next job would, and count rows."""
    con = warehouse.open_writer(settings)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        warehouse.close_writer(con)


def published_counts(settings: Settings, tables: list[str]) -> dict[str, int]:
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        con.close()
