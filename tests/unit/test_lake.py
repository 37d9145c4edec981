"""The lake: canonical tables as hive-partitioned Parquet that `lake-sync` keeps equal to the
warehouse, writing only what changed; DuckDB reads it in place; bad input is named."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
from pathlib import Path

import duckdb
import pytest

from analytics.cli import main
from analytics.core import jobs, lake, warehouse
from models.settings import Settings
from tests.faults.conftest import cli, rees46, run_cli
from tests.test_spark_transpile import need_pyspark

DEMO = ("demo", "--events", "10000", "--seed", "3", "--no-segments")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small published demo shop, built once; tests copy it."""
    folder = tmp_path_factory.mktemp("lake_demo")
    cli(folder / "warehouse.duckdb", *DEMO)
    return folder


@pytest.fixture
def shop(built: Path, tmp_path: Path) -> Settings:
    """A copy of the demo shop (primary, snapshots, app state) of this test's own."""
    for path in built.iterdir():
        copy = shutil.copytree if path.is_dir() else shutil.copyfile
        copy(path, tmp_path / path.name)
    return Settings(db_path=tmp_path / "warehouse.duckdb")


def published(settings: Settings):
    return warehouse.open_reader(warehouse.current_snapshot(settings))


def lake_files(settings: Settings) -> dict[str, bytes]:
    root = Path(settings.lake)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_sync_writes_hive_partitions_by_day_and_small_tables_whole(shop, capsys):
    assert main(["--db", str(shop.db_path), "lake-sync"]) == 0
    root = Path(shop.lake)
    with published(shop) as con:
        rows = con.execute("select distinct strftime(event_time::date, '%Y-%m-%d') from events").fetchall()
    days = {row[0] for row in rows}
    assert {p.name for p in (root / "events").iterdir()} == {f"day={day}" for day in days}
    assert all(len(list(folder.glob("*.parquet"))) == 1 for folder in (root / "events").iterdir())
    assert [p.suffix for p in (root / "products").iterdir()] == [".parquet"]
    assert (root / "reviews").is_dir()
    manifest = json.loads((root / lake.MANIFEST).read_text())
    assert sum(p["rows"] for p in manifest["tables"]["events"]["partitions"].values()) == warehouse_rows(shop, "events")
    assert "in sync" in capsys.readouterr().out


def test_duckdb_reads_the_lake_in_place_equal_to_the_warehouse(shop, capsys):
    cli(shop.db_path, "lake-sync")
    with published(shop) as con:
        assert lake.differences(con, shop) == []
        reader = duckdb.connect()
        attached = lake.attach(reader, shop)
        assert {"events", "reviews", "products", "users"} <= set(attached)
        for table in attached:
            want = con.execute(f"select * from {table} order by all").fetchall()
            assert reader.execute(f"select * from {table} order by all").fetchall() == want, table
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 0
    assert "equals the published warehouse" in capsys.readouterr().out


def test_a_second_sync_writes_nothing_and_an_import_rewrites_only_its_days(shop, capsys):
    cli(shop.db_path, "lake-sync")
    before = lake_files(shop)
    capsys.readouterr()
    assert main(["--db", str(shop.db_path), "lake-sync", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["partitions_written"] == 0
    assert lake_files(shop) == before

    cli(shop.db_path, "import", str(rees46()))
    capsys.readouterr()
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 1
    assert "events day=2019-10-01: only in the warehouse" in capsys.readouterr().err
    assert main(["--db", str(shop.db_path), "lake-sync", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    after = lake_files(shop)
    changed = {name.split("/")[0] + "/" + name.split("/")[1] for name in set(after) ^ set(before) if "/" in name}
    # the import's one day of events, and the whole tables it added rows to; no other day
    assert "events/day=2019-10-01" in changed
    assert not [name for name in changed if name.startswith("events/") and name != "events/day=2019-10-01"]
    assert summary["partitions_written"] == len({name for name in set(after) - set(before) if name != lake.MANIFEST})
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 0


def test_the_lake_is_in_sync_for_spark_until_the_warehouse_changes(shop):
    sources = ["events", "products"]
    with published(shop) as con:
        assert lake.out_of_sync(con, shop, sources) == f"no lake at {shop.lake} (run lake-sync)"
    cli(shop.db_path, "lake-sync")
    with published(shop) as con:
        assert lake.out_of_sync(con, shop, sources) is None
    cli(shop.db_path, "import", str(rees46()))
    with published(shop) as con:
        assert lake.out_of_sync(con, shop, sources) == "events changed since the last lake-sync"


def test_an_import_lands_its_days_when_lake_sync_is_on(shop, monkeypatch, capsys):
    cli(shop.db_path, "lake-sync")
    monkeypatch.setenv("MA_LAKE_SYNC", "true")
    assert main(["--db", str(shop.db_path), "import", str(rees46())]) == 0
    assert "landed in the lake" in capsys.readouterr().out
    assert (Path(shop.lake) / "events" / "day=2019-10-01").is_dir()
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 0


def test_an_unwritable_lake_path_is_named_and_nothing_changes(shop, capsys, monkeypatch):
    blocker = shop.db_path.parent / "not-a-folder"
    blocker.write_text("a file where the lake folder should be")
    monkeypatch.setenv("MA_LAKE_PATH", str(blocker))
    snapshot = warehouse.current_snapshot(shop)
    job_count = len(jobs.list_jobs(shop))

    assert main(["--db", str(shop.db_path), "lake-sync"]) == 2

    assert f"lake_path = '{blocker}' is not writable" in capsys.readouterr().err
    assert warehouse.current_snapshot(shop) == snapshot
    assert len(jobs.list_jobs(shop)) == job_count
    assert blocker.read_text() == "a file where the lake folder should be"


def test_an_object_store_lake_path_is_refused_by_sync_naming_the_setting(shop, capsys, monkeypatch):
    monkeypatch.setenv("MA_LAKE_PATH", "s3a://bucket/lake")
    assert main(["--db", str(shop.db_path), "lake-sync"]) == 2
    assert "lake_path = 's3a://bucket/lake' is an object-store URI" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("drift", "message"),
    [
        (
            "select * replace (cast(price as varchar) as price) from events",
            "column 'price' is VARCHAR, expected DOUBLE",
        ),
        ("select * exclude (device) from events", "column 'device' is missing (expected VARCHAR)"),
    ],
    ids=["type_changed", "column_missing"],
)
def test_a_drifted_partition_is_named_with_its_column_and_sync_rewrites_it(shop, capsys, drift, message):
    cli(shop.db_path, "lake-sync")
    manifest = json.loads((Path(shop.lake) / lake.MANIFEST).read_text())
    key, entry = sorted(manifest["tables"]["events"]["partitions"].items())[0]
    target = Path(shop.lake) / entry["files"][0]
    with duckdb.connect() as con:  # rewrite one partition's file behind the manifest's back
        source = f"read_parquet('{target}', hive_partitioning = false)"
        con.execute(f"create table events as select * from {source}")
        con.execute(f"copy ({drift}) to '{target}' (format parquet)")
    capsys.readouterr()

    with pytest.raises(lake.LakeError, match=re.escape(f"lake partition {target}: {message}")):
        lake.attach(duckdb.connect(), shop)
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 1
    assert f"{target}: {message}" in capsys.readouterr().err

    assert main(["--db", str(shop.db_path), "lake-sync", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["partitions_written"] == 1
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 0
    assert key in json.loads((Path(shop.lake) / lake.MANIFEST).read_text())["tables"]["events"]["partitions"]


def test_an_unreachable_spark_master_is_named_and_changes_no_marts_or_lake(shop, capsys, monkeypatch):
    need_pyspark()
    monkeypatch.setenv("JAVA_HOME", "/usr")  # the probe of the master comes after the Java check
    cli(shop.db_path, "lake-sync")
    before, snapshot = lake_files(shop), warehouse.current_snapshot(shop)
    with published(shop) as con:
        marts_before = con.execute("select * from mart_session_totals order by all").fetchall()
    with socket.socket() as probe:  # a port nobody listens on: bind it, then close it
        probe.bind(("127.0.0.1", 0))
        master = f"spark://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("MA_SPARK_MASTER", master)
    capsys.readouterr()

    assert main(["--db", str(shop.db_path), "refresh-marts", "--engine", "spark"]) == 2

    assert f"spark_master = '{master}' does not answer" in capsys.readouterr().err
    assert warehouse.current_snapshot(shop) == snapshot
    assert lake_files(shop) == before
    with published(shop) as con:
        assert con.execute("select * from mart_session_totals order by all").fetchall() == marts_before


def test_a_sync_killed_after_a_partition_leaves_the_published_lake_and_marts_as_they_were(shop, capsys):
    cli(shop.db_path, "lake-sync")
    cli(shop.db_path, "import", str(rees46()))  # the warehouse moves on; the lake is one import behind
    before = lake_files(shop)
    snapshot = warehouse.current_snapshot(shop)
    with published(shop) as con:
        marts_before = con.execute("select * from mart_session_totals order by all").fetchall()

    done = run_cli(shop.db_path, "lake-sync", fault="lake.after_partition")

    assert done.returncode == -signal.SIGKILL, done.stderr
    after = lake_files(shop)
    assert after[lake.MANIFEST] == before[lake.MANIFEST]
    assert {name: after[name] for name in before} == before  # every published file whole, as it was
    assert len(after) > len(before)  # the killed sync's one new partition, which no manifest names
    assert warehouse.current_snapshot(shop) == snapshot
    with published(shop) as con:
        assert con.execute("select * from mart_session_totals order by all").fetchall() == marts_before
        # readers still see the whole old lake: the import's day is missing, nothing is half there
        assert "events day=2019-10-01: only in the warehouse" in lake.differences(con, shop)

    cli(shop.db_path, "lake-sync")
    assert main(["--db", str(shop.db_path), "lake-sync", "--check"]) == 0
    assert not [name for name in lake_files(shop) if name.startswith(".")]


def warehouse_rows(settings: Settings, table: str) -> int:
    with published(settings) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
