"""Real browser: every listed page renders without an exception on the demo shop; screenshots kept."""

import pytest
from playwright.sync_api import expect

from dashboard.components.frame import PAGES
from tests.e2e.conftest import page_url, screenshot, start_server, stop_server, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_settings, tmp_path_factory):
    running = start_server(demo_settings.db_path, tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_page_renders(server, page, spec):
    page.goto(page_url(server.url, spec))
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0, server.output()
    expect(page.get_by_role("heading", name=spec.title).first).to_be_visible(timeout=60_000)
    screenshot(page, spec.url_path)


def test_sidebar_navigation_switches_pages(server, page):
    page.goto(server.url)
    wait_for_app(page)
    if len(PAGES) > 1:
        nav = page.get_by_test_id("stSidebarNav")
        for spec in PAGES:
            nav.get_by_text(spec.title, exact=True).click()
            # The click starts a rerun asynchronously: wait for the new page's heading first.
            expect(page.get_by_role("heading", name=spec.title).first).to_be_visible(timeout=60_000)
            wait_for_app(page)
            assert page.get_by_test_id("stException").count() == 0, server.output()
    assert page.get_by_text("Demo mode").first.is_visible()
