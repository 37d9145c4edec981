"""Real browser: an admin uploads a real sample on the Data page, checks the preview, imports it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dashboard.components.frame import PAGES
from tests.conftest import ROOT, shared_sample
from tests.e2e.conftest import page_url, screenshot, start_server, stop_server, wait_for_app
from tests.unit.ingest.conftest import GOOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SAMPLE = "taobao_userbehavior/UserBehavior_sample.csv.gz"


def _events_shown(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Events").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def test_upload_preview_and_import_of_a_real_sample(tmp_path, page):
    sample = shared_sample(SAMPLE)
    db = tmp_path / "warehouse.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics", "--db", str(db), "import", str(GOOD / "rees46_small.csv"), "--create"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = start_server(db, tmp_path)
    try:
        page.goto(page_url(server.url, next(spec for spec in PAGES if spec.title == "Data")))
        wait_for_app(page)
        assert _events_shown(page) == 6
        page.get_by_test_id("stExpander").filter(has_text="Import your own data").get_by_text(
            "Import your own data"
        ).click()
        page.locator('input[type="file"]').first.set_input_files(str(sample))
        page.get_by_text(re.compile("Checks passed: 4,321 rows read")).wait_for(timeout=60_000)
        wait_for_app(page)
        screenshot(page, "data_upload_preview")
        page.get_by_text("The first rows as they would be stored.").scroll_into_view_if_needed()
        screenshot(page, "data_upload_preview_rows")
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text(re.compile(r"Import job \d+: imported UserBehavior_sample.csv.gz as taobao")).wait_for(
            timeout=120_000
        )
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.includes('Events') && m.innerText.includes('4,327'))""",
            timeout=60_000,
        )
        wait_for_app(page)
        assert _events_shown(page) == 6 + 4_321
        assert page.get_by_test_id("stException").count() == 0, server.output()
        page.get_by_test_id("stMetric").filter(has_text="Events").first.scroll_into_view_if_needed()
        screenshot(page, "data_upload_done")
    finally:
        stop_server(server)
