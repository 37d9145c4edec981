"""One writer at a time, proven: the dashboard server and a command-line job run side by side.

The job rebuilds the warehouse (deleting everything, then writing chunk after chunk) while a
real browser keeps reloading the Data page. Both succeed, and the page only ever shows the
complete state before the job or the complete state after it.
"""

import subprocess
import sys
import time

import pytest

from dashboard.components.frame import PAGES
from tests.conftest import ROOT
from tests.e2e.conftest import page_url, start_server, stop_server, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _cli(db, *args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "analytics", "--db", str(db), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def _shown_events(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Events").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def _published_events(db) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "analytics", "--db", str(db), "status", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import json

    return json.loads(out)["tables"]["events"]


def test_page_never_shows_half_written_data_while_a_cli_job_runs(tmp_path, page):
    db = tmp_path / "warehouse.duckdb"
    first = _cli(db, "demo", "--events", "10000", "--seed", "1", "--no-segments")
    assert first.wait(300) == 0, first.stdout.read()
    before = _published_events(db)
    server = start_server(db, tmp_path)
    try:
        page.goto(page_url(server.url, next(p for p in PAGES if p.title == "Data")))
        wait_for_app(page)
        assert _shown_events(page) == before

        job = _cli(db, "demo", "--events", "150000", "--seed", "2", "--replace", "--no-segments")
        seen = []
        while job.poll() is None:
            page.reload()
            wait_for_app(page)
            seen.append(_shown_events(page))
            time.sleep(0.2)
        output = job.stdout.read()
        assert job.returncode == 0, output
        after = _published_events(db)
        page.reload()
        wait_for_app(page)
        seen.append(_shown_events(page))
    finally:
        stop_server(server)
    assert after != before
    assert len(seen) >= 3, "the job finished before the page could be read while it ran"
    assert set(seen) <= {before, after}, f"the page showed a state that was never published: {sorted(set(seen))}"
    assert seen[-1] == after
    assert page.get_by_test_id("stException").count() == 0
