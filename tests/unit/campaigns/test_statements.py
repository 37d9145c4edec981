"""Every writing statement of analytics/campaigns/sql runs: planting the demo's campaigns, drawing a
plan, importing a send log (good and refused) and reading results."""

from __future__ import annotations

import pytest

from analytics.campaigns import results
from analytics.core import marts
from analytics.ingest import IngestError, import_file
from tests.unit import statements
from tests.unit.campaigns import support
from tests.unit.demo_support import build_memory


def test_every_statement_file_runs(monkeypatch, tmp_path):
    used = statements.record(monkeypatch)
    shop, summary = build_memory(150_000, seed=3)  # plants the demo campaigns
    assert summary["campaigns"] == 2
    shop.close()
    con = support.tiny_shop()
    support.make_plan(con)
    arms = support.arms(con)
    with pytest.raises(IngestError):
        import_file(con, support.send_log(tmp_path / "dup.csv", [(arms["A"][0], "Autumn test", "A", "x")] * 2), "sends")
    import_file(con, support.send_log(tmp_path / "ok.csv", [(arms["A"][0], "Autumn test", "A", "2026-10-01 09:00:00")]))
    marts.refresh(con)
    assert results.compute(con, 1)["sends"]["recorded"] == 1
    not_run = statements.job_statements("campaigns") - used
    assert not not_run, f"not run: {sorted(not_run)}"
