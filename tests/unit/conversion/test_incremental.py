"""Incremental mart refresh: after each kind of import the marts equal a full rebuild's, table for
table; imports that do not only append later events rebuild in full and say why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.cli import main
from analytics.commands import spark_check
from analytics.core import incremental, jobs, marts, queries, warehouse
from models.settings import Settings
from tests.conftest import shared_sample
from tests.unit import statements

REES46 = "rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz"
UCI = "online_retail_uci/online_retail_lines_first8373.csv.gz"
AMAZON_REVIEWS = "amazon_reviews_2018_fashion"


def split_by_time(relative: str, column: str, product: str, folder: Path) -> tuple[Path, Path]:
    """The real sample cut at a time, every row of the second file later than the first's; the
    second keeps the rows of products the first sold at the same price, so that it adds events,
    users and sessions but moves no product to another price band (which would touch most
    sessions of a sample this small: a full rebuild, tested below)."""
    rows = pd.read_csv(shared_sample(relative), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    times = pd.to_datetime(rows[column].str.replace(" UTC", "", regex=False))
    cutoff = times.sort_values().iloc[int(len(times) * 0.8)]
    early, late = rows[times < cutoff], rows[times >= cutoff]
    price = "price" if "price" in rows else "UnitPrice"
    known = set(zip(early[product], early[price], strict=True))
    late = late[[pair in known for pair in zip(late[product], late[price], strict=True)]]
    paths = folder / "early.csv", folder / "late.csv"
    early.to_csv(paths[0], index=False)
    late.to_csv(paths[1], index=False)
    return paths


def last_refresh(settings: Settings) -> dict:
    """How the last job refreshed the marts: its mode and why it rebuilt in full (None if it did not)."""
    marts_summary = json.loads(jobs.list_jobs(settings, limit=1)[0]["summary"])["marts"]
    return {key: marts_summary[key] for key in ("mode", "why_full")}


def differences_from_a_full_rebuild(settings: Settings, folder: Path) -> list[str]:
    published = folder / "published.duckdb"
    rebuilt = folder / "rebuilt.duckdb"
    shutil.copyfile(warehouse.current_snapshot(settings).path, published)
    shutil.copyfile(published, rebuilt)
    with duckdb.connect(rebuilt) as con:
        con.begin()
        assert marts.refresh(con, full=True)["mode"] == "full"
        con.commit()
    with duckdb.connect(published, read_only=True) as left, duckdb.connect(rebuilt, read_only=True) as right:
        return spark_check.mart_differences(left, right, spark_check.MART_TABLES)


def cli(settings: Settings, *args: str) -> None:
    assert main(["--db", str(settings.db_path), *args]) == 0, args


@pytest.mark.parametrize(
    ("sample", "column", "product"),
    [(REES46, "event_time", "product_id"), (UCI, "InvoiceDate", "StockCode")],
    ids=["rees46", "uci"],
)
def test_appended_events_refresh_incrementally_and_equal_a_full_rebuild(tmp_path, sample, column, product):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    early, late = split_by_time(sample, column, product, tmp_path)
    cli(settings, "import", str(early), "--create")
    assert last_refresh(settings)["mode"] == "full"

    cli(settings, "import", str(late))

    assert last_refresh(settings) == {"mode": "incremental", "why_full": None}
    assert differences_from_a_full_rebuild(settings, tmp_path) == []


def test_events_earlier_than_the_marts_rebuild_in_full(tmp_path):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    early, late = split_by_time(REES46, "event_time", "product_id", tmp_path)
    cli(settings, "import", str(late), "--create")

    cli(settings, "import", str(early))

    refreshed = last_refresh(settings)
    assert refreshed["mode"] == "full"
    assert "were added, removed or changed" in refreshed["why_full"]
    assert differences_from_a_full_rebuild(settings, tmp_path) == []


def test_an_import_without_events_keeps_the_marts_a_full_rebuilds(tmp_path):
    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    early, _ = split_by_time(REES46, "event_time", "product_id", tmp_path)
    cli(settings, "import", str(early), "--create")
    reviews = sorted(shared_sample(AMAZON_REVIEWS).glob("*.json*"))[0]

    cli(settings, "import", str(reviews))

    assert last_refresh(settings)["mode"] == "incremental"
    assert differences_from_a_full_rebuild(settings, tmp_path) == []


def test_a_product_moved_to_another_group_touches_its_sessions_and_most_touched_is_a_full_rebuild(con, monkeypatch):
    monkeypatch.setattr(incremental, "WIDESPREAD", 0.5)
    con.execute("insert into products (product_id, category, brand, price) values ('p1', 'shoes', 'acme', 10)")
    con.execute("insert into products (product_id, category, brand, price) values ('p2', 'bags', 'acme', 20)")
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) values "
        + ", ".join(f"('2026-01-01 1{i}:00', 'view', 'u{i}', 's{i}', '{'p2' if i else 'p1'}')" for i in range(8))
    )
    assert marts.refresh(con)["why_full"] == "no record of what the marts were built from (first refresh)"
    con.execute("update products set brand = 'other' where product_id = 'p1'")
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) "
        "values ('2026-01-02 10:00', 'view', 'u9', 's9', 'p2')"
    )

    assert marts.refresh(con)["mode"] == "incremental"  # 2 of 9 sessions touched: p1's and the new one
    incremental_rows = _mart_rows(con)
    assert marts.refresh(con, full=True)["why_full"] == "a full refresh was asked for"
    assert _mart_rows(con) == incremental_rows
    assert con.execute("select distinct brand from mart_session_steps where category = 'shoes'").fetchall() == [
        ("other",)
    ]

    con.execute("update products set brand = 'third'")
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) "
        "values ('2026-01-03 10:00', 'view', 'u9', 's10', 'p2')"
    )
    assert marts.refresh(con)["why_full"] == "10 of 10 sessions changed"


def test_an_incremental_refresh_runs_every_step_file(con, monkeypatch):
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) "
        "values ('2026-01-01 10:00', 'view', 'u1', 's1', 'p1')"
    )
    marts.refresh(con)
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) "
        "values ('2026-01-02 10:00', 'cart', 'u1', 's2', 'p1')"
    )
    monkeypatch.setattr(incremental, "WIDESPREAD", 1.0)
    used = statements.record(monkeypatch)

    assert marts.refresh(con)["mode"] == "incremental"

    steps = {name for name in statements.job_statements("core", every_file=True) if name.startswith("incremental_")}
    assert steps and not steps - used, f"not run: {sorted(steps - used)}"


def test_changed_mart_queries_rebuild_in_full(con):
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) "
        "values ('2026-01-01 10:00', 'view', 'u1', 's1', 'p1')"
    )
    marts.refresh(con)
    con.execute("update mart_marks set sql_version = 'older'")

    assert marts.refresh(con)["why_full"] == "the mart queries changed since the marts were built"


def _mart_rows(con) -> dict[str, list]:
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in marts.SQL_MARTS}


def test_a_view_looks_ahead_to_a_purchase_in_a_later_import(con, monkeypatch):
    monkeypatch.setattr(incremental, "WIDESPREAD", 1.0)  # a handful of sessions, most of them touched
    # The first session's view is bought only in a session of the second import: the first
    # session's row must change although none of its own events did.
    con.execute("insert into products (product_id, category, brand, price) values ('p1', 'shoes', 'acme', 10)")
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id) values "
        "('2026-01-01 10:00', 'view', 'u1', 's1', 'p1'), ('2026-01-01 11:00', 'view', 'u2', 's2', 'p1')"
    )
    marts.refresh(con)
    con.execute(
        "insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price) values "
        "('2026-01-03 09:00', 'purchase', 'u1', 's3', 'p1', 1, 10), "
        "('2026-01-03 09:30', 'view', 'u3', 's4', 'p1', null, null)"
    )
    assert marts.refresh(con)["mode"] == "incremental"
    incremental_rows = _mart_rows(con)

    marts.refresh(con, full=True)

    assert _mart_rows(con) == incremental_rows
    lag = "select min_purchase_lag_s from mart_session_steps join mart_sessions using (session_key) where session_id=?"
    assert con.execute(lag, ["s1"]).fetchone() == (2 * 86_400 - 3_600,)
    assert con.execute("select user_id from mart_users order by user_key").fetchall() == [("u1",), ("u2",), ("u3",)]


@pytest.mark.parametrize("days_held_back", [1, 20])
def test_the_demo_shops_later_days_appended_equal_a_full_rebuild(demo_settings, tmp_path, monkeypatch, days_held_back):
    # Six months of returning users: views bought weeks later, users' earlier days, new users.
    monkeypatch.setattr(incremental, "WIDESPREAD", 1.0)
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(warehouse.current_snapshot(demo_settings).path, path)
    with duckdb.connect(path) as con:
        cutoff = con.execute("select max(event_time) - to_days($d) from events", {"d": days_held_back}).fetchone()[0]
        con.execute("create table held as select * from events where event_time > $c", {"c": cutoff})
        con.execute("delete from events where event_time > $c", {"c": cutoff})
        assert marts.refresh(con, full=True)["mode"] == "full"
        con.execute("insert into events select * from held")
        assert marts.refresh(con)["mode"] == "incremental"
        incremental_rows = _mart_rows(con) | {
            "marks": con.execute("select * exclude (built_at) from mart_marks").fetchall()
        }

        marts.refresh(con, full=True)

        assert _mart_rows(con) | {"marks": con.execute("select * exclude (built_at) from mart_marks").fetchall()} == (
            incremental_rows
        )


def test_over_swaps_base_tables_only_never_a_cte_of_the_same_name():
    swapped = incremental.over("mart_session_steps", {"events": "refresh_events"})

    assert "from refresh_events as events" in swapped.lower()
    # the CTE named events is still read by the rest of the query under its own name
    assert swapped.lower().count("refresh_events") == 1
    assert "join users as u" in swapped.lower() or "join users u" in swapped.lower()


def test_every_swapped_query_gives_the_files_answer_on_its_own_tables(demo_con):
    for name in ("mart_users", "mart_sessions", "mart_session_steps", "mart_session_totals", "mart_day_counts"):
        plain = demo_con.execute(f"select * from ({queries.sql(name)}) order by all").fetchall()
        rewritten = demo_con.execute(f"select * from ({incremental.over(name, {})}) order by all").fetchall()
        assert rewritten == plain, name
