"""Incremental vs full mart refresh after one more day of events, on the demo warehouse.

The demo warehouse of ``--events`` (built once by bench.bench_conversion's ``ensure_warehouse``)
is copied; its last ``--hours`` of events are taken out and the marts rebuilt in full (the
warehouse as it was before that day's import). The day is then appended and the marts refreshed
twice from that same state, each in a transaction rolled back afterwards: incrementally (the
project's path after an import) and in full (the baseline). Prints both times, per step, their
ratio, and whether every mart table (customer value and the mark included) is the same.

    python -m bench.bench_incremental [--events 10000000] [--hours 24] [--repeat 1] [--threads N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time

import duckdb
import pandas as pd

from analytics.commands import spark_check
from analytics.core import marts
from bench.bench_conversion import BENCH_DIR, ensure_warehouse


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    source = ensure_warehouse(args.events, args.seed)
    work = BENCH_DIR / f"incremental_{args.events}_{args.seed}.duckdb"
    shutil.copyfile(source, work)
    try:
        with duckdb.connect(work) as con:
            if args.threads:
                con.execute("set threads = $n", {"n": args.threads})
            print(_hold_back(con, args.hours), flush=True)
            incremental = [_refresh(con, full=False) for _ in range(args.repeat)]
            full = [_refresh(con, full=True) for _ in range(args.repeat)]
            _report(incremental, full)
            same = _same_tables(con)
    finally:
        work.unlink(missing_ok=True)
    print("every mart table equal to the full rebuild's:", "yes" if not same else f"NO: {same}")
    return 0 if not same else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hours", type=float, default=24.0, help="the appended events: the last HOURS of the demo")
    parser.add_argument("--repeat", type=int, default=1, help="refreshes of each kind (median reported)")
    parser.add_argument("--threads", type=int, help="DuckDB threads for every refresh (default: all cores)")
    return parser


def _hold_back(con: duckdb.DuckDBPyConnection, hours: float) -> str:
    """Take out the last ``hours`` of events and rebuild the marts without them (committed)."""
    cutoff = con.execute("select max(event_time) - to_microseconds($us) from events", {"us": int(hours * 3.6e9)})
    cutoff = cutoff.fetchone()[0]
    con.execute("begin")
    con.execute("create table bench_held_events as select * from events where event_time > $c", {"c": cutoff})
    con.execute("delete from events where event_time > $c", {"c": cutoff})
    started = time.perf_counter()
    marts.refresh(con, full=True)
    con.execute("commit")
    held = con.execute("select count(*) from bench_held_events").fetchone()[0]
    total = con.execute("select count(*) from events").fetchone()[0] + held
    return (
        f"{total:,} events; the last {hours:g} h ({held:,} events, {held / total:.2%}) appended to a warehouse "
        f"whose marts were rebuilt without them in {time.perf_counter() - started:.1f} s"
    )


def _refresh(con: duckdb.DuckDBPyConnection, full: bool) -> dict:
    con.execute("begin")
    try:
        con.execute("insert into events select * from bench_held_events")
        started, cpu = time.perf_counter(), time.process_time()
        result = marts.refresh(con, full=full)
        result |= {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}
        assert result["mode"] == ("full" if full else "incremental"), result["why_full"]
        return result
    finally:
        con.execute("rollback")


def _report(incremental: list[dict], full: list[dict]) -> None:
    for label, runs in (("incremental", incremental), ("full", full)):
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        steps = ", ".join(f"{step} {s:.2f}" for step, s in runs[len(runs) // 2]["table_seconds"].items())
        print(f"{label:>11}: {wall:6.2f} s wall, {cpu:6.2f} s CPU (this process) | {steps}")
    ratio = statistics.median(r["wall"] for r in incremental) / statistics.median(r["wall"] for r in full)
    print(f"incremental / full (wall): {ratio:.3f}  (goal < 0.10)")


def _dump(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, pd.DataFrame], list[tuple]]:
    # Table names are spark_check's literals; the mark as Python values (its 128-bit fingerprint
    # would lose digits in a DataFrame) and without its build time.
    frames = {t: con.execute(f"select * from {t}").df() for t in spark_check.MART_TABLES}
    return frames, con.execute("select * exclude (built_at) from mart_marks").fetchall()


def _same_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of the last incremental refresh that differ from a full rebuild of the same data."""
    con.execute("begin")
    try:
        con.execute("insert into events select * from bench_held_events")
        marts.refresh(con)
        (incremental, incremental_mark) = _dump(con)
        marts.refresh(con, full=True)
        (rebuilt, rebuilt_mark) = _dump(con)
    finally:
        con.execute("rollback")
    problems = [spark_check.frame_difference(t, incremental[t], rebuilt[t]) for t in spark_check.MART_TABLES]
    if incremental_mark != rebuilt_mark:
        problems.append(f"mart_marks: {incremental_mark} vs {rebuilt_mark}")
    return [p for p in problems if p]


if __name__ == "__main__":
    raise SystemExit(main())
