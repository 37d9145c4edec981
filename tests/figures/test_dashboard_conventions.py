"""Pages stay thin and figure builders pure: nothing under dashboard/figures imports streamlit,
and a page reads like a short story, not a module."""

import ast

import pytest

from tests.conftest import ROOT

FIGURES = sorted((ROOT / "dashboard" / "figures").glob("*.py"))
PAGES = sorted((ROOT / "dashboard" / "views").glob("*.py"))
MAX_PAGE_LINES = 120  # reshaping goes to analytics/, figures here, widgets to dashboard/components


def _imported(path) -> set[str]:
    tree = ast.parse(path.read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return imported | {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}


@pytest.mark.parametrize("path", FIGURES, ids=lambda p: p.stem)
def test_figure_builders_import_no_streamlit(path):
    assert "streamlit" not in _imported(path), f"{path.name} imports streamlit; widgets belong in dashboard/components"


def test_the_figure_folder_is_not_empty():
    # The convention test above passes vacuously if the folder moves; it must hold its builders.
    assert {p.stem for p in FIGURES} >= {"conversion", "conversion_tables", "segments", "reviews"}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_pages_are_short(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name} has {lines} lines; move widgets, reshaping or figures out of it"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_pages_build_no_figures_themselves(path):
    assert "plotly" not in _imported(path), f"{path.name} imports plotly; figures are built in dashboard/figures"
