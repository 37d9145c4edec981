"""Importer: time and memory of importing a REES46-format export, against a pandas importer.

The file is made up (DuckDB writes N rows in the REES46 layout, gzipped) so the benchmark needs
no data outside the repository. The project's path is ``analytics.ingest.import_file`` into a
fresh file warehouse: the byte pass (SHA-256, gzip, UTF-8), staging as text, every column check,
the mapping SQL, derived orders and the one-transaction write. The baseline, in the same process
on the same file, is the importer one would write with pandas: ``read_csv`` as text, the same
value checks (times, event types, numbers, sizes, formulas), exact duplicates dropped, products
and users aggregated, then inserted into a fresh warehouse in one transaction. Ratio = pandas
seconds / project seconds (above 1: the project's path is faster).

    python -m bench.bench_ingest [--rows 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from analytics.core import warehouse
from analytics.ingest import import_file
from analytics.ingest.validate import FORMULA_PATTERN
from bench.bench_demo import PeakRss

EVENT_TYPES = ("view", "cart", "remove_from_cart", "purchase")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        source = make_file(work / "events.csv.gz", args.rows)
        project = measure(lambda: run_project(source, work / "project.duckdb"))
        baseline = measure(lambda: run_pandas(source, work / "pandas.duckdb"))
        report(args.rows, source, project, baseline)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if project["events"] == baseline["events"] else 1


def make_file(path: Path, rows: int) -> Path:
    """N rows in the REES46 layout: ~80% views, 3-hour-ish sessions of five events, some blanks."""
    con = duckdb.connect()
    con.execute(
        f"""
        copy (
            select
                strftime(timestamp '2019-10-01' + to_seconds(i // 3), '%Y-%m-%d %H:%M:%S') || ' UTC' as event_time,
                case when hash(i) % 10 < 8 then 'view' when hash(i) % 10 = 8 then 'cart' else 'purchase' end
                    as event_type,
                1000000 + hash(i * 7) % 60000 as product_id,
                2053013555631882655 + hash(i * 7) % 300 as category_id,
                case when hash(i * 7) % 3 = 0 then null
                    else 'electronics.smartphone.' || (hash(i * 7) % 40)::varchar end as category_code,
                case when hash(i * 7) % 7 = 0 then null else 'brand' || (hash(i * 7) % 500)::varchar end as brand,
                round(1 + (hash(i * 7) % 100000) / 100.0, 2) as price,
                500000000 + i // 5 as user_id,
                md5((i // 5)::varchar) as user_session
            from range({int(rows)}) t(i)
        ) to '{path}' (header, compression gzip)
        """
    )
    con.close()
    return path


def measure(fn) -> dict:
    with PeakRss() as rss:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return {**result, "seconds": seconds, "peak_gb": (rss.peak - rss.baseline) / 2**30}


def run_project(source: Path, db_path: Path) -> dict:
    con = warehouse.configure(duckdb.connect(str(db_path)))
    warehouse.migrate(con)
    result = import_file(con, source)
    events = con.execute("select count(*) from events").fetchone()[0]
    con.close()
    return {"events": events, "written": result.written}


def run_pandas(source: Path, db_path: Path) -> dict:
    """A straightforward pandas importer with the same checks and the same canonical output."""
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    problems = pandas_checks(df)
    if problems:
        raise ValueError(problems)
    events = pd.DataFrame(
        {
            "event_time": pd.to_datetime(df.event_time, format="%Y-%m-%d %H:%M:%S UTC"),
            "event_type": df.event_type,
            "user_id": df.user_id,
            "session_id": df.user_session,
            "product_id": df.product_id,
            "quantity": df.event_type.isin(["cart", "remove_from_cart", "purchase"]).map({True: 1, False: None}),
            "price": pd.to_numeric(df.price),
            "currency": "USD",
            "order_id": df.user_session.where(df.event_type == "purchase"),
        }
    ).drop_duplicates()
    latest = (
        df.assign(t=pd.to_datetime(df.event_time, format="%Y-%m-%d %H:%M:%S UTC"), price=pd.to_numeric(df.price))
        .replace({"category_code": {"": None}, "brand": {"": None}})
        .sort_values("t", kind="stable")
    )
    # The latest non-empty category and brand, and the latest price, per product (groupby.last skips nulls).
    products = latest.groupby("product_id")[["category_code", "brand", "price"]].last()
    products = products.rename(columns={"category_code": "category"})
    users = events.groupby("user_id").event_time.min().rename("first_seen").reset_index()
    con = warehouse.configure(duckdb.connect(str(db_path)))
    warehouse.migrate(con)
    con.begin()
    con.register("e", events)
    con.register("p", products.reset_index())
    con.register("u", users)
    con.execute("insert into products by name select * from p")
    con.execute("insert into users by name select * from u")
    con.execute("insert into events by name select * from e")
    con.commit()
    count = con.execute("select count(*) from events").fetchone()[0]
    con.close()
    return {"events": count}


def pandas_checks(df: pd.DataFrame) -> list[str]:
    problems = []
    times = pd.to_datetime(df.event_time, format="%Y-%m-%d %H:%M:%S UTC", errors="coerce")
    if times.isna().any() or (times < "1995-01-01").any():
        problems.append("event_time")
    if (~df.event_type.isin(EVENT_TYPES)).any():
        problems.append("event_type")
    price = pd.to_numeric(df.price, errors="coerce")
    if price.isna().any() or (price < 0).any():
        problems.append("price")
    for column, limit in (("product_id", 256), ("user_id", 256), ("user_session", 256), ("brand", 1000)):
        if (df[column].str.len() > limit).any() or df[column].str.contains(FORMULA_PATTERN, regex=True).any():
            problems.append(column)
    return problems


def report(rows: int, source: Path, project: dict, baseline: dict) -> None:
    ratio = baseline["seconds"] / project["seconds"]
    print(f"{rows:,} REES46 rows, {source.stat().st_size / 2**20:.1f} MB gzipped")
    print("| path | seconds | rows/s | peak RSS | events |")
    print("|---|---:|---:|---:|---:|")
    for name, r in (("project (import_file)", project), ("pandas importer", baseline)):
        print(f"| {name} | {r['seconds']:.1f} | {rows / r['seconds']:,.0f} | {r['peak_gb']:.2f} GB | {r['events']:,} |")
    print(f"ratio pandas/project time: {ratio:.2f}; memory: {baseline['peak_gb'] / max(project['peak_gb'], 1e-9):.2f}")


if __name__ == "__main__":
    sys.exit(main())
