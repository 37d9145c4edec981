"""The Data page's upload flow: preview with the mapping and the checks, then an import job."""

from __future__ import annotations

import time

import pytest

from analytics.core import jobs
from analytics.ingest import FORMATS, import_file
from dashboard.components.upload import DETECT, FORMAT_LABELS, safe_name
from tests.app.conftest import make_app
from tests.unit.ingest.conftest import BAD, GOOD


@pytest.fixture
def published(settings):
    """A published warehouse holding the small REES46 file (6 events)."""
    result = jobs.run_job(settings, "import", lambda ctx: import_file(ctx, GOOD / "rees46_small.csv").summary())
    assert result.status == "done", result.error
    return settings


def upload(at, *paths):
    files = [(p.name, p.read_bytes(), "text/csv") for p in paths]
    at.file_uploader(key="upload_files").set_value(files if len(files) > 1 else files[0])
    return at.run()


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def test_a_viewer_gets_no_upload(published):
    at = make_app(published, "data", demo_mode=False)
    at.user = {"is_logged_in": True, "email": "viewer@shop.test"}
    at.run()
    assert not at.exception
    assert not [u for u in at.file_uploader if u.key == "upload_files"]


def test_a_good_file_shows_its_mapping_and_passed_checks(published):
    at = upload(make_app(published, "data").run(), GOOD / "taobao_small.csv")
    assert not at.exception
    assert "Checks passed: 4 rows read; the import would add up to 2 products, 2 users, 4 events" in texts(at.success)
    mapping = next(d.value for d in at.dataframe if "source column" in d.value.columns)
    assert "behavior_type" in mapping["source column"].tolist()
    assert at.button(key="upload_import").label == "Import"
    assert len(list((published.db_path.parent / "uploads").rglob("taobao_small.csv"))) == 1


def test_a_bad_file_shows_where_and_why_and_offers_no_import(published):
    at = upload(make_app(published, "data").run(), BAD / "rees46_negative_price.csv")
    assert not at.exception
    assert "cannot be imported; nothing was written" in texts(at.error)
    assert "rees46_negative_price.csv, line 5, column 'price': expected a price of 0 or more" in at.code[0].value
    assert not [b for b in at.button if b.key == "upload_import"]


def test_choosing_another_format_changes_the_checks(published):
    at = upload(make_app(published, "data").run(), GOOD / "online_retail_small.csv")
    assert "Checks passed: 2 rows read" in texts(at.success)
    at.selectbox(key="upload_format").set_value("rees46").run()
    assert "Checks passed" not in texts(at.success)
    assert "expected a file in the rees46 format, found a file in the online_retail format" in at.code[0].value


def test_a_file_imported_before_says_so_instead_of_offering_import(published):
    at = upload(make_app(published, "data").run(), GOOD / "rees46_small.csv")
    assert "This file was already imported (import 1" in texts(at.info)
    assert not [b for b in at.button if b.key == "upload_import"]


def test_olist_files_uploaded_together_are_checked_as_one_folder(published):
    at = upload(make_app(published, "data").run(), *sorted((GOOD / "olist_small").iterdir()))
    assert not at.exception
    assert "Format: **Olist (all files of the folder)** (detected from the content)." in texts(at.markdown)
    assert "Checks passed: 15 rows read" in texts(at.success)


def test_a_generic_csv_is_checked_with_its_uploaded_mapping(published):
    at = make_app(published, "data").run()
    at.selectbox(key="upload_format").set_value("csv").run()
    mapping = GOOD / "reviews_small.toml"
    at.file_uploader(key="upload_mapping").set_value((mapping.name, mapping.read_bytes(), "application/toml"))
    at = upload(at, GOOD / "reviews_small.csv")
    assert "the import would add up to 2 products, 3 reviews" in texts(at.success)


def test_every_format_has_a_label_and_upload_names_stay_in_their_folder():
    assert set(FORMAT_LABELS) == {DETECT, *FORMATS}
    assert safe_name("../../etc/passwd") == "passwd" and safe_name("Olist data (1).csv") == "Olist_data__1_.csv"
    assert safe_name("..") == "upload"


@pytest.mark.slow
def test_import_runs_as_a_job_and_the_page_shows_the_new_data(published):
    at = upload(make_app(published, "data").run(), GOOD / "taobao_small.csv")
    at.button(key="upload_import").click().run()
    job_id = at.session_state["upload_job_id"]
    deadline = time.monotonic() + 300  # a hang guard: the import job is a separate process on a shared CPU
    while jobs.get_job(published, job_id)["status"] in jobs.ACTIVE and time.monotonic() < deadline:
        time.sleep(0.5)
    job = jobs.get_job(published, job_id)
    assert job["status"] == "done", job
    at.run()
    assert not at.exception
    assert f"Import job {job_id}: imported taobao_small.csv as taobao" in texts(at.success)
    events = next(m for m in at.metric if m.label == "Events")
    assert events.value == "10"  # 6 before, 4 imported


def test_the_preview_checks_with_the_configured_price_bound(published):
    # The import job would refuse a price above max_price, so the preview must refuse it too.
    at = upload(make_app(published, "data", max_price=2).run(), GOOD / "taobao_small.csv")
    assert not at.exception
    assert "Checks passed" in texts(at.success)
    at = upload(make_app(published, "data", max_price=2).run(), GOOD / "online_retail_small.csv")
    assert not at.exception
    assert "cannot be imported; nothing was written" in texts(at.error)
    assert "column 'UnitPrice': expected a price of at most 2 (setting max_price), found '2.10'" in at.code[0].value
