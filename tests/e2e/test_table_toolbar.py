"""Real browser: no table offers Streamlit's own "Download as CSV", on any page, for any role.

That download would skip the safe export (no formula neutralising, no minimum group size, no
audit). Roles need sign-in, so the server runs with demo mode off and an [auth] table, and each
role's browser carries the cookie that Streamlit's OpenID Connect callback sets after a sign-in,
signed with the test's cookie secret; the product's own `roles` setting maps the e-mails.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from analytics.trust.access import Actor, Role
from dashboard.components.frame import PAGES
from tests.e2e.conftest import SCREENSHOTS, page_url, start_server, stop_server, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COOKIE_SECRET = "e2e-cookie-secret-that-is-long-enough-for-signing"
EMAILS = {"viewer": "viewer@shop.test", "marketer": "marketer@shop.test", "admin": "admin@shop.test"}
# The [auth] table st.login needs; the provider is never contacted (the cookie stands for a sign-in).
SECRETS = f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "shop-analytics"
client_secret = "e2e-client-secret"
server_metadata_url = "https://id.shop.test/.well-known/openid-configuration"
"""


@pytest.fixture(scope="module")
def server(segmented, tmp_path_factory):
    folder = tmp_path_factory.mktemp("toolbar-server")
    secrets = folder / "secrets.toml"
    secrets.write_text(SECRETS, encoding="utf-8")
    env = {
        "STREAMLIT_SECRETS_FILES": str(secrets),
        "MA_DEMO_MODE": "false",
        "MA_ROLES": ",".join(f"{email}={role}" for role, email in EMAILS.items()),
    }
    running = start_server(segmented.db_path, folder, env)
    yield running
    stop_server(running)


def _signed_in_tab(browser, server, claims: dict):
    """A browser tab holding the session cookie of a user the provider describes with ``claims``."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = claims | {"origin": server.url, "is_logged_in": True, "provider": "default"}
    value = create_signed_value(COOKIE_SECRET, "_streamlit_user", json.dumps(payload)).decode()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "_streamlit_user", "value": value, "url": server.url}])
    return context, context.new_page()


def _open_expanders(page) -> None:
    """Open the collapsed expanders of the page (client side only: no rerun) so their tables show."""
    closed = page.get_by_test_id("stMain").locator("details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()  # the list shrinks with each click
    page.wait_for_timeout(300)


def _tables(page) -> list:
    """The page's tables once their number stops changing (the last ones paint after the run ends)."""
    tables = page.get_by_test_id("stDataFrame")
    count = -1
    for _ in range(20):
        if tables.count() == count:
            break
        count = tables.count()
        page.wait_for_timeout(750)
    return tables.all()


def _tables_by_tab(page):
    """(" / tab name" or "", the visible tables) for each tab of the page, or for the page when it
    has none: a table in a tab not shown cannot be hovered, and every tab's tables must be seen."""
    tabs = page.get_by_test_id("stMain").get_by_role("tab").all()
    for tab in tabs or [None]:
        if tab is not None:
            tab.click()
            page.wait_for_timeout(300)
        _open_expanders(page)
        name = f" / {tab.inner_text().strip()}" if tab is not None else ""
        yield name, [table for table in _tables(page) if table.is_visible()]


def _toolbar_labels(table) -> list[str]:
    """Hover a table and read the labels of its toolbar's buttons, found by their test id."""
    table.scroll_into_view_if_needed()
    table.hover()
    toolbar = table.get_by_test_id("stElementToolbar")
    expect(toolbar).to_be_visible(timeout=10_000)
    buttons = toolbar.get_by_test_id("stElementToolbarButton").locator("button")
    return [button.get_attribute("aria-label") or "" for button in buttons.all()]


def _screenshot_with_toolbar(page, table, name: str) -> None:
    """The table and the toolbar above it, while hovered."""
    table.evaluate("element => element.scrollIntoView({block: 'center'})")
    table.hover()
    expect(table.get_by_test_id("stElementToolbar")).to_be_visible()
    page.wait_for_timeout(300)  # the toolbar fades in
    box = table.bounding_box()
    top = max(box["y"] - 60, 0)
    clip = {"x": box["x"], "y": top, "width": box["width"], "height": box["y"] - top + min(box["height"], 300)}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=clip)


@pytest.mark.parametrize("role", list(EMAILS))
def test_no_table_offers_a_toolbar_download(server, browser, role):
    context, page = _signed_in_tab(browser, server, {"email": EMAILS[role], "email_verified": True})
    who = Actor(EMAILS[role], Role.parse(role))
    seen: dict[str, list[str]] = {}
    try:
        for spec in [spec for spec in PAGES if who.can(spec.action)]:
            page.goto(page_url(server.url, spec), timeout=120_000)
            # The new page's heading first: the previous page can still read as "not running".
            expect(page.get_by_role("heading", name=spec.title).first).to_be_visible(timeout=120_000)
            wait_for_app(page, timeout_ms=120_000)
            assert page.get_by_test_id("stException").count() == 0, server.output()
            expect(page.get_by_test_id("stSidebar")).to_contain_text(f"({role})")
            for tab_name, tables in _tables_by_tab(page):
                for number, table in enumerate(tables):
                    labels = _toolbar_labels(table)
                    where = f"{spec.title}{tab_name} table {number}"
                    assert "Search" in labels, f"{where}: toolbar not shown ({labels})"
                    seen[where] = labels
                    if role == "admin" and spec.url_path == "data" and number == 0:
                        _screenshot_with_toolbar(page, table, "table_toolbar_no_download")
    finally:
        context.close()
    assert seen, f"no table found on any page for the {role}"
    assert any(" / " in where for where in seen), f"no table inside a tab was checked: {sorted(seen)}"
    offering = {table: labels for table, labels in seen.items() if "Download as CSV" in labels}
    assert offering == {}, f"tables offering their own CSV download to the {role}: {offering}"


def test_unverified_email_gets_the_default_role(server, browser):
    # The admin's address, but the provider did not verify it: no admin pages.
    context, page = _signed_in_tab(browser, server, {"email": EMAILS["admin"], "email_verified": False})
    try:
        page.goto(server.url, timeout=120_000)
        wait_for_app(page, timeout_ms=120_000)
        expect(page.get_by_test_id("stSidebar")).to_contain_text("(viewer)")
        expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Audit log")
    finally:
        context.close()
