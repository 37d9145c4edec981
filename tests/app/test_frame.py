"""The frame: demo mode is shown, sign-in is required outside it, roles decide the pages."""

import pytest
from streamlit.testing.v1 import AppTest

from analytics.core import appstate, jobs
from models.settings import load_settings
from tests.app.conftest import make_app
from tests.app.test_signin import AUTH
from tests.conftest import ROOT


@pytest.fixture
def empty_published(settings):
    jobs.run_job(settings, "noop", lambda ctx: None)
    return settings


def _page_titles(at):
    return [t.value for t in at.title]


def test_demo_mode_is_clearly_shown(empty_published):
    at = make_app(empty_published)
    at.run()
    assert not at.exception
    assert any("Demo mode" in w.value for w in at.sidebar.warning)


def test_anonymous_visitor_sees_only_sign_in(empty_published):
    at = make_app(empty_published, demo_mode=False)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert _page_titles(at) == ["Sign in"]
    assert len(at.metric) == 0 and len(at.dataframe) == 0


def test_viewer_does_not_get_admin_pages(empty_published):
    at = make_app(empty_published, demo_mode=False)
    at.user = {"is_logged_in": True, "email": "viewer@shop.test"}
    at.run()
    assert not at.exception
    assert "Overview" in _page_titles(at)  # the home page, readable by viewers
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(ROOT / "dashboard" / "views" / "audit.py"))


def test_viewer_running_an_admin_page_is_refused(empty_published):
    # The page itself checks the role on the server, whatever the menu offered.
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "audit.py"), default_timeout=60)
    at.secrets["settings"] = {"db_path": str(empty_published.db_path), "demo_mode": False}
    at.user = {"is_logged_in": True, "email": "viewer@shop.test"}
    at.run()
    assert "Audit log" not in _page_titles(at)
    assert any("needs the admin role" in e.value for e in at.error)


def test_admin_from_roles_setting_sees_the_audit_log(empty_published):
    appstate.record_audit(empty_published, "alice@shop.test", "admin", "import", "orders.csv", rows=10)
    at = make_app(empty_published, "audit", demo_mode=False, roles={"alice@shop.test": "admin"})
    at.user = {"is_logged_in": True, "email": "alice@shop.test", "email_verified": True}
    at.run()
    assert not at.exception
    assert "Audit log" in _page_titles(at)
    table = at.dataframe[0].value
    imports = table[table["action"] == "import"]
    assert imports["actor"].tolist() == ["alice@shop.test"] and imports["target"].tolist() == ["orders.csv"]


def test_settings_are_built_once_per_run(demo_settings, monkeypatch):
    from dashboard.components import context

    built = []
    monkeypatch.setattr(context, "load_settings", lambda **kw: built.append(kw) or load_settings(**kw))
    at = make_app(demo_settings, "conversion")
    at.run()
    assert not at.exception
    assert len(built) == 1  # the frame's; every page and component reads that one
    at.radio(key="conv_cohort_grain").set_value("month").run()
    assert len(built) == 2


def test_query_cache_lifetime_is_the_setting(empty_published):
    from streamlit.runtime.caching.cache_data_api import _data_caches

    at = make_app(empty_published, "data", query_cache_ttl_s=17)
    at.run()
    assert not at.exception
    lifetimes = {
        cache.display_name.rsplit(".", 1)[-1]: cache.ttl_seconds
        for cache in _data_caches._function_caches.get(None, {}).values()
    }
    assert lifetimes["_run_query"] == 17 and lifetimes["_run_call"] == 17
