"""The app frame: the page list for the actor's role, and the sidebar shared by every page."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analytics.trust.access import Actor, missing_auth_keys
from dashboard.components import filters, jobs, trust
from dashboard.components.context import actor, auth_table, build_settings, settings

# Not "pages/": Streamlit treats a pages/ folder beside the entry script as a legacy
# multipage app, and a direct visit to /data would then run the page without the frame.
PAGES_DIR = Path(__file__).resolve().parent.parent / "views"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    action: str  # the permission a visitor needs to see the page
    uses_filters: bool = False  # draw the shared sidebar filters on this page

    @property
    def url_path(self) -> str:
        return Path(self.file).stem


# The one list of pages, in menu order. A page is listed only when it works.
PAGES = (
    PageSpec("overview.py", "Overview", ":material/dashboard:", "view_charts", uses_filters=True),
    PageSpec("conversion.py", "Conversion", ":material/filter_alt:", "view_charts", uses_filters=True),
    PageSpec("segments.py", "Segments", ":material/groups:", "view_segments", uses_filters=True),
    PageSpec("reviews.py", "Reviews", ":material/reviews:", "view_reviews", uses_filters=True),
    PageSpec("assistant.py", "Assistant", ":material/support_agent:", "view_charts"),
    PageSpec("campaigns.py", "Campaign studio", ":material/campaign:", "view_charts"),
    PageSpec("data.py", "Data", ":material/database:", "view_charts"),
    PageSpec("audit.py", "Audit log", ":material/policy:", "view_audit"),
)


def pages_for(who: Actor) -> list[st.Page]:
    return [
        st.Page(PAGES_DIR / spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path)
        for spec in PAGES
        if who.can(spec.action)
    ]


def spec_of(page: st.Page) -> PageSpec:
    return next(spec for spec in PAGES if spec.title == page.title)


def sidebar(who: Actor, page: st.Page) -> None:
    with st.sidebar:
        if settings().demo_mode:
            st.warning(
                "**Demo mode**: sign-in is off and everyone is an admin. Set `demo_mode = false` to require sign-in.",
                icon=":material/science:",
            )
        else:
            st.caption(f"Signed in as {who.name} ({who.role.name.lower()})")
            st.button("Sign out", key="sign_out", on_click=st.logout)
    if spec_of(page).uses_filters:
        filters.sidebar_filters()
    jobs.sidebar_status()


def start() -> Actor:
    """Build this run's settings (the only place a full run builds them; pages and components
    read them through ``context.settings()``), then the checks every page needs, then resolve the
    actor (sign-in gate outside demo mode)."""
    build_settings()
    trust.no_toolbar_downloads()
    exposure_banner()
    return actor()


def exposure_banner() -> None:
    """Say loudly when anyone on the network can open the app without signing in."""
    s = settings()
    why = "demo mode makes every visitor an admin" if s.demo_mode else None
    if why is None and missing_auth_keys(auth_table()):
        why = "sign-in is not configured"
    address = st.get_option("server.address")
    if why is None or _is_loopback(address):
        return
    where = f"`{address}`" if address else "every network interface"
    st.error(
        f"**Reachable beyond this computer without sign-in.** The server listens on {where} and "
        f"{why}. Serve it on `127.0.0.1` only (the default in `.streamlit/config.toml`), or turn "
        "sign-in on first: see the README's Security section.",
        icon=":material/public:",
    )


def _is_loopback(address: str | None) -> bool:
    """Whether a ``server.address`` keeps the server on this computer ("" means every interface)."""
    host = (address or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # empty, or a host name: assume others can reach it
        return False
