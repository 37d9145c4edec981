"""The fault points themselves: each phase is called at exactly one place, an armed one kills the
process there and nowhere else, and a bad setting is refused naming it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest

from analytics.cli import main
from analytics.core import faults, jobs
from models.settings import Settings, SettingsError
from tests.conftest import ROOT

CALL = re.compile(r"""faults\.point\(\s*["']([^"']+)["']\s*\)""")


def test_every_phase_is_called_at_exactly_one_place():
    calls = [
        (path.relative_to(ROOT), phase)
        for path in sorted((ROOT / "analytics").rglob("*.py"))
        if path.name != "faults.py"  # its docstring shows a call
        for phase in CALL.findall(path.read_text(encoding="utf-8"))
    ]
    named = sorted(phase for _, phase in calls)
    assert named == sorted(faults.PHASES), calls


def test_an_armed_point_kills_there_and_nowhere_else():
    script = (
        "from analytics.core import faults\n"
        "faults.arm('publish.after_copy')\n"
        "faults.point('publish.after_swap')\n"
        "print('passed the other point', flush=True)\n"
        "faults.point('publish.after_copy')\n"
        "print('survived the armed point', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == -signal.SIGKILL
    assert done.stdout == "passed the other point\n"


def test_disarmed_points_do_nothing():
    faults.arm("")
    for phase in faults.PHASES:
        faults.point(phase)  # this test process is still alive afterwards


def test_an_unknown_phase_is_refused_naming_the_setting():
    with pytest.raises(SettingsError, match="fault_point.*valid: import.after_staging"):
        faults.arm("import.after_comit")


def test_a_job_command_with_an_unknown_fault_point_stops_before_writing(tmp_path, monkeypatch, capsys):
    db = tmp_path / "warehouse.duckdb"
    jobs.run_job(Settings(db_path=db), "noop", lambda ctx: None)
    before = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file())
    monkeypatch.setenv("MA_FAULT_POINT", "publish.halfway")

    assert main(["--db", str(db), "refresh-marts"]) == 2

    assert "setting 'fault_point' = 'publish.halfway' is not a fault point" in capsys.readouterr().err
    after = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file())
    assert after == before
