"""A viewer calling marketer or admin actions directly (not through the UI) is refused, and
nothing happens: the check lives in the function that does the work."""

from datetime import date

import pytest

from analytics.conversion import funnels
from analytics.conversion.funnels import FunnelOptions
from analytics.core import jobs
from analytics.core.filters import Filters
from analytics.ingest import import_file
from analytics.trust.access import Actor, PermissionDenied, Role
from tests.conftest import shared_sample

VIEWER = Actor("viewer@shop.test", Role.VIEWER)
MARKETER = Actor("marketer@shop.test", Role.MARKETER)


def _counts(con):
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("events", "imports", "audiences")}


def test_viewer_cannot_import(con):
    path = shared_sample("taobao_userbehavior/UserBehavior_sample.csv.gz")
    before = _counts(con)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        import_file(con, path, actor=VIEWER)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        import_file(con, path, actor=MARKETER)
    assert _counts(con) == before


def test_viewer_cannot_save_an_audience(con):
    before = _counts(con)
    with pytest.raises(PermissionDenied, match="needs the marketer role"):
        funnels.save_audience(
            con, VIEWER, "abandoned", Filters(date(2026, 1, 1), date(2026, 1, 31)), FunnelOptions(), "cart", "purchase"
        )
    assert _counts(con) == before


@pytest.mark.parametrize(
    ("action", "kind", "argv"),
    [
        ("rebuild_segments", "segment", ["segment"]),
        ("run_model_job", "sentiment", ["sentiment"]),
        ("build_demo", "demo", ["demo", "--replace"]),
        ("import_data", "import", ["import", "x.csv"]),
    ],
)
def test_viewer_cannot_start_jobs(settings, action, kind, argv):
    from dashboard.components.jobs import start_job

    jobs.run_job(settings, "noop", lambda ctx: None)
    before = len(jobs.list_jobs(settings))
    with pytest.raises(PermissionDenied):
        start_job(VIEWER, action, kind, argv, {})
    assert len(jobs.list_jobs(settings)) == before  # nothing was queued or launched


def test_viewer_cannot_save_an_upload(tmp_path):
    from dashboard.components.upload import save_upload

    with pytest.raises(PermissionDenied, match="needs the admin role"):
        save_upload(VIEWER, [], None)


def test_viewer_cannot_export_user_lists():
    from dashboard.components.trust import _audit_export

    with pytest.raises(PermissionDenied, match="needs the marketer role"):
        _audit_export(VIEWER, "export_users", "segment_3.csv", 120)
