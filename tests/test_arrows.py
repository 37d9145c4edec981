"""The import arrows of docs/ARCHITECTURE.md, read from the source with ``ast``.

Every import counts: module level, inside functions, under ``TYPE_CHECKING``, and
``importlib.import_module`` with a literal (or f-string) module name. The layers:
``dashboard -> analytics -> models``; inside analytics, the packages below form the layering
of ``ALLOWED``. Each rule is a function from imports to violations, so the tests at the end
plant one bad import per rule and check that the rule reports it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = ("dashboard", "analytics", "models")
# Model frameworks: only models/ talks to them, so analytics stays testable without them and
# the device, dtype and caching choices stay in one place.
MODEL_FRAMEWORKS = frozenset({"torch", "transformers", "sentence_transformers", "huggingface_hub"})

# The analytics packages, as units of the layering. cli.py, __main__.py and commands/ are one
# unit, the command line: cli.py loads every command by name and the commands share its
# helpers (CliError, add_job_arguments, open_published), so the two import each other.
COMMAND_LINE = "command line"
UNITS = {
    "core": "core",
    "trust": "trust",
    "conversion": "conversion",
    "segments": "segments",
    "reviews": "reviews",
    "campaigns": "campaigns",
    "assistant": "assistant",
    "ingest": "ingest",
    "demo": "demo",
    "commands": COMMAND_LINE,
    "cli": COMMAND_LINE,
    "__main__": COMMAND_LINE,
}
BASE = frozenset({"core", "trust"})
# Which analytics units each unit may import. trust (roles, privacy, export) imports no other
# unit; core (warehouse, SQL loader, jobs, marts) only trust, because the job runner masks what it
# stores in the job history; a domain imports both and, where it really needs one, another
# domain, in one direction only (the graph is checked for cycles).
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"trust"}),
    "trust": frozenset(),
    "conversion": BASE,
    "reviews": BASE,
    "assistant": BASE,
    # The product_qa importer turns attribute strings into readable text with the assistant's parser,
    # so what is stored reads the same as what the assistant quotes.
    "ingest": BASE | {"assistant"},
    # A segment's profile shows its RFM mix and CLV from conversion's tiers and marts.
    "segments": BASE | {"conversion"},
    # The studio grounds copy and recommendations in a segment's profile; plans stratify the
    # holdout by RFM tier and opportunities read a segment's funnel drop-off.
    "campaigns": BASE | {"segments", "conversion"},
    # The demo shop's past campaigns are planned with the same holdout assignment as real ones.
    "demo": BASE | {"campaigns"},
    COMMAND_LINE: frozenset(UNITS.values()),
}
# Edges between domains that ALLOWED grants beyond BASE: each must be used, so the table stays
# the measured graph rather than a wish list.
DOMAIN_EDGES = {(unit, dep) for unit, deps in ALLOWED.items() if unit != COMMAND_LINE for dep in deps - BASE}
# The dashboard launches jobs as command lines; it may import a command's argv builder (kept
# beside the command's parser, which a round-trip test holds in step) but never run a command in
# the server process, which would make the server a writer of the warehouse.
DASHBOARD_COMMAND_LINE = frozenset(
    {
        "analytics.commands.save_audience.argv_for",
        "analytics.commands.plan.argv_for",
        "analytics.commands.answer_questions.argv_for",
    }
)


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository root, e.g. "analytics/core/marts.py"
    line: int
    module: str  # absolute dotted name; ``from a.b import c`` gives "a.b.c"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _literal_prefix(arg: ast.expr) -> str | None:
    """The module named by a string literal, or the constant start of an f-string."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).rstrip(".")
    return None


def _dynamic_import(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in ("import_module", "__import__") and node.args:
        return _literal_prefix(node.args[0])
    return None


def imports_of(path: Path, source: str | None = None) -> list[Import]:
    """Every import in one file (``path`` relative to the root; ``source`` read from it if None)."""
    text = (ROOT / path).read_text() if source is None else source
    tree = ast.parse(text, filename=str(path))
    module, is_package = _module_name(path), path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(str(path), node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module, is_package)
            found += [Import(str(path), node.lineno, f"{origin}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and (dynamic := _dynamic_import(node)):
            found.append(Import(str(path), node.lineno, dynamic))
    return found


SOURCES = sorted(p.relative_to(ROOT) for layer in LAYERS for p in (ROOT / layer).rglob("*.py"))
IMPORTS = [imp for path in SOURCES for imp in imports_of(path)]


def _top(module: str) -> str:
    return module.split(".")[0]


def _layer(imp: Import) -> str:
    return Path(imp.path).parts[0]


def unit_of_path(path: str) -> str | None:
    """The analytics unit a file belongs to; None for analytics/__init__.py and other layers."""
    parts = Path(path).with_suffix("").parts
    if parts[0] != "analytics" or parts[1:] == ("__init__",):
        return None
    return UNITS.get(parts[1], parts[1])


def unit_of_module(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "analytics" or len(parts) < 2:
        return None
    return UNITS.get(parts[1], parts[1])


# --- the rules: each returns the imports that break it ---------------------------------------


def models_import_neither_analytics_nor_dashboard(imports: list[Import]) -> list[Import]:
    return [i for i in imports if _layer(i) == "models" and _top(i.module) in ("analytics", "dashboard")]


def analytics_never_imports_dashboard(imports: list[Import]) -> list[Import]:
    return [i for i in imports if _layer(i) == "analytics" and _top(i.module) == "dashboard"]


def no_streamlit_below_the_dashboard(imports: list[Import]) -> list[Import]:
    return [i for i in imports if _layer(i) in ("analytics", "models") and _top(i.module) == "streamlit"]


def analytics_leaves_model_frameworks_to_models(imports: list[Import]) -> list[Import]:
    return [i for i in imports if _layer(i) == "analytics" and _top(i.module) in MODEL_FRAMEWORKS]


def analytics_units_import_only_what_they_may(imports: list[Import]) -> list[Import]:
    broken = []
    for imp in imports:
        unit, target = unit_of_path(imp.path), unit_of_module(imp.module)
        if unit is None or target is None or target == unit:
            continue
        if target not in ALLOWED.get(unit, frozenset()):
            broken.append(imp)
    return broken


def dashboard_never_runs_commands(imports: list[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if _layer(i) == "dashboard"
        and unit_of_module(i.module) == COMMAND_LINE
        and i.module not in DASHBOARD_COMMAND_LINE
    ]


RULES = (
    models_import_neither_analytics_nor_dashboard,
    analytics_never_imports_dashboard,
    no_streamlit_below_the_dashboard,
    analytics_leaves_model_frameworks_to_models,
    analytics_units_import_only_what_they_may,
    dashboard_never_runs_commands,
)


def _cycle(graph: dict[str, frozenset[str]]) -> list[str] | None:
    """One cycle of ``graph`` (a list of nodes), or None when it has none."""
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, frozenset()) - {node}):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state and (found := visit(nxt, trail + [nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


# --- the tests on the code -------------------------------------------------------------------


def test_the_source_is_read():
    assert len(SOURCES) > 100
    # a module-level, a function-level and a dynamic import are all seen
    assert any(
        i.path == "analytics/campaigns/studio.py" and i.module.endswith("copywriter.CopyWriter") for i in IMPORTS
    )
    assert any(i.path == "analytics/core/jobs.py" and i.module == "analytics.core.marts" for i in IMPORTS)
    assert any(i.path == "analytics/cli.py" and i.module == "analytics.commands" for i in IMPORTS)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_code_follows_the_arrows(rule):
    broken = rule(IMPORTS)
    assert not broken, "\n".join(map(str, broken))


def test_every_analytics_package_has_a_place_in_the_layering():
    packages = {p.name for p in (ROOT / "analytics").iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "analytics").glob("*.py")} - {"__init__"}
    assert packages | modules <= set(UNITS), f"place these in UNITS and ALLOWED: {(packages | modules) - set(UNITS)}"
    assert set(UNITS.values()) == set(ALLOWED)


def test_the_allowed_layering_has_no_cycle():
    domains = {unit: deps - {COMMAND_LINE} for unit, deps in ALLOWED.items() if unit != COMMAND_LINE}
    assert _cycle(domains) is None, _cycle(domains)
    assert all(COMMAND_LINE not in deps for unit, deps in ALLOWED.items() if unit != COMMAND_LINE)


def test_every_edge_between_domains_is_used():
    used = {(unit_of_path(i.path), unit_of_module(i.module)) for i in IMPORTS}
    assert DOMAIN_EDGES <= used, f"ALLOWED grants edges nothing uses: {DOMAIN_EDGES - used}"
    assert DASHBOARD_COMMAND_LINE <= {i.module for i in IMPORTS if _layer(i) == "dashboard"}


# --- each rule catches a planted import --------------------------------------------------------

PLANTED = [
    (models_import_neither_analytics_nor_dashboard, "models/generator.py", "from analytics.core import queries"),
    (models_import_neither_analytics_nor_dashboard, "models/settings.py", "def f():\n    import dashboard.app"),
    (analytics_never_imports_dashboard, "analytics/core/jobs.py", "from dashboard.components import data"),
    (no_streamlit_below_the_dashboard, "analytics/trust/export.py", "def f():\n    import streamlit as st"),
    (no_streamlit_below_the_dashboard, "models/device.py", "from streamlit import cache_resource"),
    (analytics_leaves_model_frameworks_to_models, "analytics/campaigns/copywriter.py", "import torch"),
    (analytics_leaves_model_frameworks_to_models, "analytics/reviews/train_job.py", "from transformers import X"),
    (analytics_units_import_only_what_they_may, "analytics/core/marts.py", "from analytics.conversion import clv"),
    (analytics_units_import_only_what_they_may, "analytics/trust/access.py", "from analytics.core import queries"),
    (analytics_units_import_only_what_they_may, "analytics/conversion/rfm.py", "from analytics.segments import job"),
    (analytics_units_import_only_what_they_may, "analytics/segments/views.py", "from analytics import campaigns"),
    (analytics_units_import_only_what_they_may, "analytics/core/jobs.py", "from analytics.cli import CliError"),
    (analytics_units_import_only_what_they_may, "analytics/demo/build.py", "from ..ingest import pipeline"),
    (analytics_units_import_only_what_they_may, "analytics/ingest/x.py", "import_module('analytics.demo.build')"),
    (dashboard_never_runs_commands, "dashboard/views/data.py", "from analytics.commands.demo import run"),
]


@pytest.mark.parametrize(("rule", "path", "source"), PLANTED, ids=[f"{r.__name__}:{p}" for r, p, _ in PLANTED])
def test_each_rule_reports_a_planted_import(rule, path, source):
    planted = imports_of(Path(path), source)
    assert planted and rule(planted) == planted


def test_a_cycle_between_domains_is_found():
    assert _cycle({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}) == ["a", "b", "c", "a"]
    assert _cycle({"a": frozenset({"b"}), "b": frozenset()}) is None
