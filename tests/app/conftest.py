"""AppTest helpers: run the real entry script against a test warehouse."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.settings import Settings
from tests.conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def make_app(settings: Settings, page: str | None = None, **extra_settings) -> AppTest:
    """An AppTest of dashboard/app.py reading ``settings.db_path``, optionally on one page (views/<page>.py)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["settings"] = {"db_path": str(settings.db_path), **extra_settings}
    if page is not None:
        at.switch_page(str(ROOT / "dashboard" / "views" / f"{page}.py"))
    return at


@pytest.fixture
def demo_app(demo_settings):
    """Factory: ``demo_app("data")`` gives an AppTest on that page of the small demo shop."""
    return lambda page=None, **extra: make_app(demo_settings, page, **extra)
