"""Every statement file in analytics/ingest/sql is used by the importers and runs in these tests."""

from __future__ import annotations

import pytest

from analytics.core import queries, warehouse
from analytics.ingest import import_file
from tests.unit import statements
from tests.unit.ingest.conftest import GOOD

# Every file: the ingest folder's read queries read the staging tables an import registers.
FILES = sorted(statements.job_statements("ingest", every_file=True))
EVENTS_MAPPING = """
table = "events"
[columns]
event_time = "at"
event_type = "what"
user_id = "who"
product_id = "item"
[products]
brand = "maker"
"""


@pytest.fixture(scope="module")
def used(tmp_path_factory):
    """Import one small file of every format and shape, recording the statements run."""
    names: set[str] = set()
    real = queries.sql.__wrapped__
    patch = pytest.MonkeyPatch()
    patch.setattr(queries, "sql", lambda name: names.add(name) or real(name))
    folder = tmp_path_factory.mktemp("events")
    (folder / "events.csv").write_text("at,what,who,item,maker\n2024-03-01 10:00:00,view,u1,p1,acme\n")
    (folder / "events.toml").write_text(EVENTS_MAPPING)
    con = warehouse.connect_memory()
    try:
        for path, fmt, mapping in [
            (GOOD / "rees46_small.csv", None, None),
            (GOOD / "taobao_small.csv", None, None),
            (GOOD / "online_retail_small.csv", None, None),
            (GOOD / "online_retail_invoices_small.csv", None, None),
            (GOOD / "amazon_small.jsonl", None, None),
            (GOOD / "product_qa_small.csv", None, None),
            (GOOD / "olist_small", None, None),
            (GOOD / "reviews_small.csv", "csv", GOOD / "reviews_small.toml"),
            (folder / "events.csv", "csv", folder / "events.toml"),
        ]:
            import_file(con, path, fmt, mapping)
    finally:
        con.close()
        patch.undo()
    return names


@pytest.mark.parametrize("name", FILES)
def test_statement_file_runs_when_importing(used, name):
    assert name in used, f"{name}.sql was not run by any import"


def test_invoice_totals_keep_cents_without_float_noise():
    con = warehouse.connect_memory()
    import_file(con, GOOD / "online_retail_invoices_small.csv")
    assert con.execute("select price from events order by order_id").fetchall() == [(25.2,), (9.9,)]
