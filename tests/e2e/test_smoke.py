"""Real browser: every listed page renders without an exception on the demo shop; screenshots kept."""

import pytest
from playwright.sync_api import expect

from dashboard.components.frame import PAGES
from tests.e2e.conftest import page_url, running_server, screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_settings, tmp_path_factory):
    with running_server(demo_settings.db_path, tmp_path_factory.mktemp("server")) as running:
        yield running


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


@pytest.fixture(scope="module")
def campaign_server(campaign_shop, tmp_path_factory):
    """The demo shop with its past campaigns: the Campaigns view has results to show."""
    with running_server(campaign_shop.db_path, tmp_path_factory.mktemp("campaign-server")) as running:
        yield running


def test_campaigns_view_shows_a_past_campaigns_results(campaign_server, page):
    spec = next(p for p in PAGES if p.url_path == "campaigns")
    page.goto(page_url(campaign_server.url, spec))
    wait_for_app(page)
    page.get_by_role("tab", name="Campaigns").click()
    page.get_by_test_id("stSelectbox").filter(has_text="Campaign").first.click()
    page.get_by_role("option", name="Bargain hunters: October deals").click()
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0, campaign_server.output()
    expect(page.get_by_test_id("stMarkdown").filter(has_text="· results ready").first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("fixed-horizon 95% intervals", exact=False).first).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 2900})  # the view scrolls inside the page: show all of it
    wait_for_app(page)
    screenshot(page, "campaigns_results")
