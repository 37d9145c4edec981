"""DuckDB vs Spark local[2]: the full mart refresh on the same demo shop, split per step.

    python -m bench.bench_spark --events 1000000      # seed 7, spark.driver.memory 2g
    python -m bench.bench_spark --events 1000000 --lake   # also: through an in-sync lake

Builds the demo shop (no segments) once, copies it twice and refreshes the marts of one copy
with DuckDB and of the other with Spark (session start timed apart), then checks the two sets
of marts are equal. Prints one table for bench/RESULTS.md: seconds per step (export of the
canonical tables to Parquet, each mart on Spark, load into DuckDB) and the ratio.

With ``--lake`` the Spark copy is also refreshed through its lake: synced (timed: the one-off
cost, and a second sync with nothing changed) and refreshed with the sources read in place, after
the copy run (``--lake-first``: before it; the second Spark refresh of a JVM runs warmer, so both
orders are worth a run). Every run is checked equal to DuckDB.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from analytics.commands.spark_check import MART_TABLES, mart_differences
from analytics.core import jobs, lake, marts
from analytics.core.engines.spark_engine import SparkEngine
from analytics.demo import build_demo
from models.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--lake", action="store_true", help="also refresh through an in-sync lake")
    parser.add_argument("--lake-first", action="store_true", help="the lake run before the copy run (default after)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as folder:
        built = Settings(db_path=Path(folder, "demo.duckdb"))
        started = time.perf_counter()
        build = lambda ctx: build_demo(ctx, events=args.events, seed=args.seed, replace=False)  # noqa: E731
        result = jobs.run_job(built, "demo", build)
        assert result.status == "done", result.error
        print(f"demo shop of {args.events:,} events built in {time.perf_counter() - started:.1f}s")
        duck_path, spark_path = Path(folder, "duck.duckdb"), Path(folder, "spark.duckdb")
        shutil.copyfile(built.db_path, duck_path)
        shutil.copyfile(built.db_path, spark_path)
        settings = Settings(
            db_path=spark_path, engine="spark", spark_master=args.master, spark_driver_memory=args.driver_memory
        )
        started = time.perf_counter()
        engine = SparkEngine(settings)
        session_s = time.perf_counter() - started
        with duckdb.connect(duck_path) as duck, duckdb.connect(spark_path) as on_spark:
            duck_s = _refresh(duck, None)
            if args.lake and args.lake_first:
                _lake_runs(on_spark, duck, engine, settings)
            spark_s = _refresh(on_spark, engine)
            differences = mart_differences(duck, on_spark, MART_TABLES)
            copied_steps = dict(engine.seconds)
            if args.lake and not args.lake_first:
                _lake_runs(on_spark, duck, engine, settings)
            events = duck.execute("select count(*) from events").fetchone()[0]
            sessions = duck.execute("select count(*) from mart_sessions").fetchone()[0]
    _report(args, events, sessions, session_s, duck_s, spark_s, copied_steps, differences)
    return 1 if differences else 0


def _lake_runs(on_spark, duck, engine: SparkEngine, settings: Settings) -> None:
    """Sync the lake and refresh through it; then put it out of sync, so a later run copies."""
    started = time.perf_counter()
    synced = lake.sync(on_spark, settings)
    sync_s = time.perf_counter() - started
    started = time.perf_counter()
    again = lake.sync(on_spark, settings)
    resync_s = time.perf_counter() - started
    print(f"lake-sync: {synced['partitions_written']} partitions written in {sync_s:.1f}s")
    print(f"lake-sync again, nothing changed: {again['partitions_written']} written in {resync_s:.1f}s")
    lake_s = _refresh(on_spark, engine)
    differences = mart_differences(duck, on_spark, MART_TABLES)
    print(f"\nSpark through the in-sync lake: {lake_s:.1f}s")
    _steps(engine.seconds)
    print("marts equal" if not differences else "DIFFERENT: " + "; ".join(differences))
    # Without the manifest the lake is out of sync: the next refresh copies its sources.
    Path(settings.lake, lake.MANIFEST).unlink()


def _steps(steps: dict[str, float]) -> None:
    print("| step | Spark s |")
    print("|---|---:|")
    for step, seconds in steps.items():
        print(f"| {step} | {seconds:.1f} |")


def _refresh(con: duckdb.DuckDBPyConnection, engine: SparkEngine | None) -> float:
    started = time.perf_counter()
    con.execute("begin")
    marts.refresh(con, engine)
    con.execute("commit")
    return time.perf_counter() - started


def _report(args, events, sessions, session_s, duck_s, spark_s, steps, differences) -> None:
    print(f"\n{events:,} events, {sessions:,} sessions; Spark {args.master}, driver {args.driver_memory}")
    _steps(steps)
    print(f"\n| engine | full refresh s | vs DuckDB |\n|---|---:|---:|\n| DuckDB | {duck_s:.1f} | 1.0 |")
    print(f"| Spark {args.master} (session start {session_s:.1f}s apart) | {spark_s:.1f} | {spark_s / duck_s:.1f} |")
    print("marts equal" if not differences else "DIFFERENT: " + "; ".join(differences))


if __name__ == "__main__":
    raise SystemExit(main())
