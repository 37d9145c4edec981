"""mart_day_counts.sql against an earlier version of itself, on the demo warehouse (read only).

Both versions run over the same two inputs in one process, as the refreshes run the file: (a) the
whole ``mart_session_totals`` (the full refresh) and (b) the incremental refresh's window for the
users active on the warehouse's last day (incremental_first_days' shape: that day is their first
touched one; incremental_earlier_days and incremental_totals_window build the window from it).
The window runs a second time without the file's final order by, as the incremental refresh may.
Each is timed ``--repeat`` times (the two versions in turns) as ``create temp table .. as <the
SQL>``; the median wall and CPU (``time.process_time``) seconds are printed with their ratio, and
the two outputs are checked to hold the same rows (EXCEPT ALL both ways) in the same column types.

    python -m bench.bench_day_counts [--events 10000000 | --warehouse PATH] [--baseline REF] [--repeat 5] [--threads N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time
from pathlib import Path

import duckdb
import sqlglot

from analytics.core import queries
from analytics.core.incremental import over
from bench.bench_conversion import BENCH_DIR

ROOT = Path(__file__).resolve().parents[1]
FILE = "analytics/core/sql/mart_day_counts.sql"
# The file before it was made cheaper (nine framed max() windows, one scan per measure).
BASELINE = "5410393"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = args.warehouse or BENCH_DIR / f"conversion_{args.events}_{args.seed}" / "warehouse.duckdb"
    if not path.exists():
        raise SystemExit(f"{path} is missing: build it with python -m bench.bench_conversion --events {args.events}")
    old = _baseline(args.baseline)
    different = 0
    with duckdb.connect(path, read_only=True) as con:
        if args.threads:
            con.execute("set threads = $n", {"n": args.threads})
        _touched_window(con)
        for label, table, ordered in (
            ("full", "mart_session_totals", True),
            ("incremental window", "bench_window", True),
            ("incremental window, final order by left out", "bench_window", False),
        ):
            rows = con.execute(f"select count(*) from {table}").fetchone()[0]  # table: a literal above
            old_sql = _unordered(re.sub(r"\bfrom mart_session_totals\b", f"from {table}", old), ordered)
            new_sql = _unordered(over("mart_day_counts", {"mart_session_totals": table}), ordered)
            old_times, new_times = _times(con, old_sql, new_sql, args.repeat)
            print(f"{label} ({rows:,} session totals):")
            for kind, index in (("wall", 0), ("cpu", 1)):
                before = statistics.median(t[index] for t in old_times)
                after = statistics.median(t[index] for t in new_times)
                print(f"  {kind}: {args.baseline} {before:.3f} s, now {after:.3f} s, ratio {after / before:.2f}")
            problems = _differences(con)
            different += bool(problems)
            print(f"  same rows and column types: {problems or 'yes'}")
    return 0 if different == 0 else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warehouse", type=Path, help="a demo warehouse (default: the one --events names)")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the file to compare with")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    return parser


def _baseline(revision: str) -> str:
    shown = subprocess.run(["git", "show", f"{revision}:{FILE}"], cwd=ROOT, capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        raise SystemExit(f"git show {revision}:{FILE} failed: {shown.stderr.strip()}")
    return shown.stdout


def _touched_window(con: duckdb.DuckDBPyConnection) -> None:
    """bench_window: the session totals the incremental refresh would recompute the day counts over
    if every user active on the last day had been touched on that day."""
    con.execute(
        "create temp table refresh_first_days as select user_key, max(day) as first_day from mart_session_totals "
        "where day = (select max(day) from mart_session_totals) group by user_key"
    )
    con.execute(
        "create temp table refresh_old_totals as select * from mart_session_totals "
        "where user_key in (select user_key from refresh_first_days)"
    )
    con.execute(f"create temp table refresh_earlier_days as {queries.sql('incremental_earlier_days')}")
    con.execute(f"create temp table bench_window as {queries.sql('incremental_totals_window')}")


def _unordered(sql: str, ordered: bool) -> str:
    """``sql`` without its final order by unless ``ordered`` (the incremental refresh needs no order)."""
    if ordered:
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree.set("order", None)
    return tree.sql(dialect="duckdb")


def _times(con: duckdb.DuckDBPyConnection, old: str, new: str, repeat: int) -> tuple[list, list]:
    """(wall, cpu) seconds of each run of ``old`` into bench_old and ``new`` into bench_new, taken in
    turns so that a busy machine slows both alike."""
    times: dict[str, list[tuple[float, float]]] = {"bench_old": [], "bench_new": []}
    for _ in range(repeat):
        for table, sql in (("bench_old", old), ("bench_new", new)):
            con.execute(f"drop table if exists {table}")  # table: a literal above
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(f"create temp table {table} as {sql}")
            times[table].append((time.perf_counter() - wall, time.process_time() - cpu))
    return times["bench_old"], times["bench_new"]


def _differences(con: duckdb.DuckDBPyConnection) -> str:
    """'' when bench_old and bench_new hold the same rows (as multisets) in the same column types."""
    types = "select column_name, column_type from (describe {})"
    if con.execute(types.format("bench_old")).fetchall() != con.execute(types.format("bench_new")).fetchall():
        return "NO: the column names or types differ"
    missing = con.execute("select count(*) from (select * from bench_old except all select * from bench_new)")
    missing = missing.fetchone()[0]
    extra = con.execute("select count(*) from (select * from bench_new except all select * from bench_old)")
    extra = extra.fetchone()[0]
    return f"NO: {missing} rows missing, {extra} extra" if missing or extra else ""


if __name__ == "__main__":
    raise SystemExit(main())
