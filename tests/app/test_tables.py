"""One way out for data: tables only through trust.show_table, and no toolbar "Download as CSV"
(it would skip the safe export: no formula neutralising, no minimum group size, no audit)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config

from analytics.core import jobs
from tests.app.conftest import make_app
from tests.conftest import ROOT

DASHBOARD_FILES = sorted((ROOT / "dashboard").rglob("*.py"))
TABLE_CALLS = {"dataframe", "data_editor", "table"}
HELPER = ("dashboard/components/trust.py", "show_table")


def _calls(tree: ast.AST):
    """(enclosing function name or None, call node) for every call in a module."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Call):
                found.append((function, child))
            visit(child, function)

    visit(tree, None)
    return found


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=_relative)
def test_tables_only_through_show_table(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = [
        f"{_relative(path)}:{call.lineno} .{call.func.attr}() in {function or 'module'}"
        for function, call in _calls(tree)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr in TABLE_CALLS
        and (_relative(path), function) != HELPER
    ]
    assert offenders == [], "draw tables with trust.show_table (masking, minimum group size, no export)"


def test_helper_exists_and_draws_the_tables():
    tree = ast.parse((ROOT / HELPER[0]).read_text(encoding="utf-8"))
    inside = [c.func.attr for f, c in _calls(tree) if f == HELPER[1] and isinstance(c.func, ast.Attribute)]
    assert "dataframe" in inside


def test_config_turns_table_export_and_magic_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    # Magic would draw a bare `df` line of a page as a table, past show_table.
    assert config["runner"]["magicEnabled"] is False


@pytest.fixture
def export_option_off():
    """The app started without the repository's config file (another working directory)."""
    before = st_config.get_option("client.disableDataExport")
    st_config.set_option("client.disableDataExport", False)
    yield
    st_config.set_option("client.disableDataExport", before)


def test_frame_turns_table_export_off_without_the_config_file(settings, export_option_off):
    jobs.run_job(settings, "noop", lambda ctx: None)
    at = make_app(settings)
    at.run()
    assert not at.exception
    assert st_config.get_option("client.disableDataExport") is True
