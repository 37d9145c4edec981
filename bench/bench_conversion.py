"""Conversion analytics at scale: mart refresh, page interaction queries, and the same analytics in
DuckDB, pandas and polars, each engine in its own process, with ratios and peak memory.

The project's path:
- ``marts.refresh`` (every mart, CLV fits included) on the demo warehouse, timed in a transaction
  that is rolled back (the cached warehouse stays as built);
- every query the Overview and Conversion pages run on an interaction, warm (median of repeats),
  on a read-only connection to the published snapshot.

The same analytics from the raw events (one Parquet export of the events table, read by every
engine), each (engine, analytic) in a fresh process so its peak RSS is its own:
- ``funnel``: in-session, ordered, same-product funnel of the last 28 days (users, sessions,
  (session, product) pairs at each step);
- ``kpis``: visitors, sessions, purchasers and purchasing sessions of the last 28 days and the 28
  before, orders and net revenue per currency;
- ``rfm``: recency, frequency, monetary value and 1-5 scores per USD customer as of the last day.
Every engine's answer is printed next to the others' and to the marts' so they can be compared.

    python -m bench.bench_conversion [--events 10000000] [--seed 7] [--threads N] [--duckdb-only]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "data" / "bench"
ANALYTICS = ("funnel", "kpis", "rfm")
ENGINES = ("duckdb", "polars", "pandas")
GATE_QUERY_MS = 300.0
GATE_REFRESH_S = 60.0
DAYS = 28


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        print(json.dumps(_child(args)), flush=True)
        return 0
    db = ensure_warehouse(args.events, args.seed, args.memory_limit)
    print(f"warehouse {db} ({_count(db, 'events'):,} events)", flush=True)
    project = _spawn(args, "project", "marts")
    if args.memory_limit:
        project |= json.loads((db.parent.parent / "refresh.json").read_text())
    _print_project(project)
    raw = {}
    if not args.duckdb_only:
        parquet = ensure_parquet(db)
        for analytic in ANALYTICS:
            raw[analytic] = {engine: _spawn(args, engine, analytic, parquet) for engine in ENGINES}
        _print_raw(raw, project)
    gates_ok = project["refresh_s"] < GATE_REFRESH_S and all(
        q["median_ms"] < GATE_QUERY_MS for q in project["queries"].values()
    )
    print(
        f"\nhard gates (refresh < {GATE_REFRESH_S:.0f} s, every query < {GATE_QUERY_MS:.0f} ms warm): "
        f"{'met' if gates_ok else 'NOT met'}"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, help="threads for DuckDB and polars (default: all cores)")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page query")
    parser.add_argument("--duckdb-only", action="store_true", help="project path only (e.g. at 50M events)")
    parser.add_argument(
        "--memory-limit",
        help="DuckDB memory_limit, e.g. 8GB (a shared machine); the refresh is then "
        "timed once, committed, in its own job after the demo build",
    )
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "ANALYTIC", "INPUT"), help=argparse.SUPPRESS)
    return parser


# --- the cached inputs ------------------------------------------------------------------------


def ensure_warehouse(events: int, seed: int, memory_limit: str | None = None) -> Path:
    """The demo warehouse of this size under data/bench/, built through the job runner if missing.

    Without a memory limit the demo job refreshes the marts before it publishes, as in the
    product. With one, the demo is built by a job kind that does not, and the marts are refreshed
    by a second job that first caps DuckDB's memory; its time is written to refresh.json.
    """
    from analytics.core import jobs, marts, warehouse
    from analytics.demo import build_demo
    from models.settings import Settings

    settings = Settings(db_path=BENCH_DIR / f"conversion_{events}_{seed}" / "warehouse.duckdb", job_lock_timeout_s=60)
    snapshot = warehouse.current_snapshot(settings)
    if snapshot is not None and _current_schema(snapshot.path):
        return snapshot.path
    shutil.rmtree(settings.db_path.parent, ignore_errors=True)
    started = time.perf_counter()
    kind = "bench_demo" if memory_limit else "demo"
    result = jobs.run_job(
        settings,
        kind,
        lambda ctx: build_demo(ctx, events=events, seed=seed, replace=False),
        params={"events": events, "seed": seed, "replace": False},
    )
    if result.status != "done":
        raise SystemExit(f"demo build failed: {result.error}")
    print(f"built the demo warehouse ({events:,} events) in {time.perf_counter() - started:.0f} s", flush=True)
    if memory_limit:

        def capped_refresh(ctx: jobs.JobContext) -> dict:
            ctx.con.execute("set memory_limit = $limit", {"limit": memory_limit})
            started, cpu = time.perf_counter(), time.process_time()
            with ctx.batch():
                refreshed = marts.refresh(ctx.con)
            return {
                "refresh_s": time.perf_counter() - started,
                "refresh_cpu_s": time.process_time() - cpu,
                "mart_rows": refreshed["rows"],
                "mart_seconds": refreshed["table_seconds"],
                "memory_limit": memory_limit,
            }

        refreshed = jobs.run_job(settings, "refresh_marts", capped_refresh)
        if refreshed.status != "done":
            raise SystemExit(f"mart refresh failed: {refreshed.error}")
        (settings.db_path.parent / "refresh.json").write_text(json.dumps(refreshed.summary))
    return warehouse.current_snapshot(settings).path


def _current_schema(path: Path) -> bool:
    from analytics.core import warehouse

    con = duckdb.connect(str(path), read_only=True)
    try:
        return (
            not warehouse.missing_migrations(con) and con.execute("select count(*) from mart_refreshes").fetchone()[0]
        )
    finally:
        con.close()


def ensure_parquet(db: Path) -> Path:
    """The events table as one Parquet file (the raw input every engine reads)."""
    path = db.parent.parent / "events.parquet"
    if not path.exists() or path.stat().st_mtime < db.stat().st_mtime:
        con = duckdb.connect(str(db), read_only=True)
        con.execute(f"copy (select * from events) to '{path}' (format parquet)")  # path is ours, not input
        con.close()
    return path


def _count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]  # table is a literal of this module
    finally:
        con.close()


# --- child processes --------------------------------------------------------------------------


def _spawn(args: argparse.Namespace, engine: str, analytic: str, source: Path | None = None) -> dict:
    source = source or ensure_warehouse(args.events, args.seed, args.memory_limit)
    command = [
        sys.executable,
        "-m",
        "bench.bench_conversion",
        "--events",
        str(args.events),
        "--seed",
        str(args.seed),
        "--repeat",
        str(args.repeat),
        "--child",
        engine,
        analytic,
        str(source),
    ]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.memory_limit:
        # the refresh was timed in its own job: the page-query process must not redo it, or its
        # peak memory would be the refresh's
        command += ["--memory-limit", args.memory_limit]
    env = {**os.environ, **({"POLARS_MAX_THREADS": str(args.threads)} if args.threads else {})}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine}/{analytic} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(args: argparse.Namespace) -> dict:
    engine, analytic, source = args.child
    if engine == "project":
        out = _project(Path(source), args.threads, args.repeat, args.memory_limit)
    else:
        out = _raw(engine, analytic, Path(source), args.threads)
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage's ru_maxrss: on Linux that keeps the
    parent's high-water mark across fork and exec; VmHWM starts afresh with the new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _project(db: Path, threads: int | None, repeat: int, memory_limit: str | None) -> dict:
    """Mart refresh (rolled back; skipped under a memory limit, where the build timed it) and every
    page interaction query, warm."""
    from analytics.core import marts, warehouse
    from models.settings import Settings

    refresh = {}
    if not memory_limit:
        con = warehouse.configure(duckdb.connect(str(db)))
        _threads(con, threads)
        con.begin()
        started, cpu = time.perf_counter(), time.process_time()
        rows = marts.refresh(con)["rows"]
        refresh = {
            "refresh_s": time.perf_counter() - started,
            "refresh_cpu_s": time.process_time() - cpu,
            "mart_rows": rows,
        }
        con.rollback()
        con.close()
    # Opened as the dashboard opens it: capped by the page_memory_limit setting, whatever the refresh used.
    page_memory_limit = Settings().page_memory_limit
    reader = warehouse.open_reader(warehouse.Snapshot(0, db, "", None), page_memory_limit, threads or 0)
    queries = {}
    answers = {}
    for name, call in page_queries(reader).items():
        result = call()  # first run: cold caches
        runs, cpus = [], []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            call()
            runs.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries[name] = {"median_ms": statistics.median(runs), "max_ms": max(runs), "cpu_ms": statistics.median(cpus)}
        answers[name] = result
    return refresh | {
        "queries": queries,
        "answers": _project_answers(answers),
        "page_memory_limit": page_memory_limit,
    }


def page_queries(con: duckdb.DuckDBPyConnection) -> dict:
    """The analytics calls the two pages make on an interaction, with the default filters."""
    from analytics.conversion import cohorts, funnels, rfm, trends
    from analytics.conversion.funnels import FunnelOptions

    flt = _default_filters(con)
    by_brand = _default_filters(con, brands=_top(con, "brand", 2))
    by_category = _default_filters(con, categories=_top(con, "category", 1))
    currency = rfm.currencies(con)[0]
    return {
        "overview: traffic totals": lambda: trends.traffic_totals(con, flt),
        "overview: sales totals": lambda: trends.sales_totals(con, flt),
        "overview: traffic trend (day)": lambda: trends.traffic_trend(con, flt, "day"),
        "overview: sales trend (day)": lambda: trends.sales_trend(con, flt, "day"),
        "overview: traffic totals, category filter": lambda: trends.traffic_totals(con, by_category),
        "conversion: funnel": lambda: funnels.funnel(con, flt),
        "conversion: funnel across sessions": lambda: funnels.funnel(con, flt, FunnelOptions(across_sessions=True)),
        "conversion: funnel, brand filter": lambda: funnels.funnel(con, by_brand),
        "conversion: breakdown by device": lambda: funnels.funnel_breakdown(con, flt, FunnelOptions(), ("device",)),
        "conversion: breakdown by category x brand": lambda: funnels.funnel_breakdown(
            con, flt, FunnelOptions(), ("category", "brand")
        ),
        "conversion: breakdown by price band": lambda: funnels.funnel_breakdown(
            con, flt, FunnelOptions(), ("price_band",)
        ),
        "conversion: abandoned-cart audience": lambda: funnels.audience(con, flt, FunnelOptions(), "cart", "purchase"),
        "conversion: cohorts (week)": lambda: cohorts.retention(con, flt, "week"),
        "conversion: RFM scores": lambda: rfm.scores(con, flt, currency),
        "conversion: CLV models": lambda: rfm.clv_models(con),
    }


def _project_answers(answers: dict) -> dict:
    funnel = answers["conversion: funnel"].set_index("step")
    traffic = answers["overview: traffic totals"].set_index("period")
    rfm_scores = answers["conversion: RFM scores"]
    return {
        "funnel": {c: funnel[c].astype(int).tolist() for c in ("users", "sessions", "products")},
        "kpis": {
            p: [int(traffic.loc[p, c]) for c in ("visitors", "sessions", "purchasers", "purchasing_sessions")]
            for p in ("current", "previous")
        },
        "rfm": {
            "customers": len(rfm_scores),
            "score_sums": [int(rfm_scores[c].sum()) for c in ("r_score", "f_score", "m_score")],
            "revenue": round(float(rfm_scores["revenue"].sum()), 2),
        },
    }


def _default_filters(con, **lists):
    from analytics.core import queries
    from analytics.core.filters import Filters

    last = queries.one(con, "event_date_range")["last_day"]
    last = last.date() if hasattr(last, "date") else last
    return Filters(last - timedelta(days=DAYS - 1), last, **lists)


def _top(con, column: str, n: int) -> tuple[str, ...]:
    # column is one of this module's literals; the most viewed values make a realistic filter
    rows = con.execute(
        f"select {column} from mart_products where {column} <> '(none)' "
        f"group by {column} order by count(*) desc limit {int(n)}"
    ).fetchall()
    return tuple(r[0] for r in rows)


def _threads(con: duckdb.DuckDBPyConnection, threads: int | None) -> None:
    if threads:
        con.execute(f"set threads = {int(threads)}")


# --- the same analytics from raw events, per engine -------------------------------------------


def _raw(engine: str, analytic: str, parquet: Path, threads: int | None) -> dict:
    import importlib

    baselines = importlib.import_module(f"bench.conversion_{engine}")  # only the engine measured
    last = _last_day(parquet)
    end = last + timedelta(days=1)
    window = {"start": end - timedelta(days=DAYS), "end": end, "prev_start": end - timedelta(days=2 * DAYS)}
    fn = getattr(baselines, analytic)
    started, cpu = time.perf_counter(), time.process_time()
    answer = fn(str(parquet), threads=threads, **window)
    return {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu, "answer": answer}


def _last_day(parquet: Path) -> date:
    con = duckdb.connect()
    try:
        return con.execute(
            "select cast(max(event_time) as date) from read_parquet($p)", {"p": str(parquet)}
        ).fetchone()[0]
    finally:
        con.close()


# --- report -----------------------------------------------------------------------------------


def _print_project(project: dict) -> None:
    where = f"committed, DuckDB memory_limit {project['memory_limit']}" if "memory_limit" in project else "rolled back"
    rows = ", ".join(f"{k} {v:,}" for k, v in project["mart_rows"].items())
    print(
        f"\nmart refresh ({where}): {project['refresh_s']:.1f} s wall (gate {GATE_REFRESH_S:.0f} s), "
        f"{project['refresh_cpu_s']:.1f} s CPU over all threads; rows: {rows}"
    )
    if "mart_seconds" in project:
        print("seconds per mart: " + ", ".join(f"{k} {v:.1f}" for k, v in project["mart_seconds"].items()))
    print(
        f"page queries process peak RSS {project['peak_rss_mb']:,.0f} MB "
        f"(DuckDB memory_limit {project['page_memory_limit']}, the page_memory_limit setting)"
    )
    print(f"\n{'page interaction query (warm)':48s} {'median ms':>10s} {'max ms':>8s} {'CPU ms':>8s}")
    for name, q in project["queries"].items():
        flag = "" if q["median_ms"] < GATE_QUERY_MS else "  over the gate"
        print(f"{name:48s} {q['median_ms']:10.1f} {q['max_ms']:8.1f} {q['cpu_ms']:8.1f}{flag}")
    print(f"marts' answers: {json.dumps(project['answers'])}")


def _print_raw(raw: dict, project: dict) -> None:
    print(
        f"\n{'analytic':10s} {'engine':8s} {'seconds':>8s} {'CPU s':>7s} {'peak MB':>8s} {'time / duckdb':>14s} "
        f"{'memory / duckdb':>16s}"
    )
    for analytic, engines in raw.items():
        base = engines["duckdb"]
        for engine, r in engines.items():
            print(
                f"{analytic:10s} {engine:8s} {r['seconds']:8.2f} {r['cpu_s']:7.2f} {r['peak_rss_mb']:8.0f} "
                f"{r['seconds'] / base['seconds']:14.2f} {r['peak_rss_mb'] / base['peak_rss_mb']:16.2f}"
            )
        marts_answer = project["answers"][analytic]
        answers = {engine: {k: r["answer"][k] for k in marts_answer} for engine, r in engines.items()}
        answers["marts"] = marts_answer
        same = len({json.dumps(a, sort_keys=True) for a in answers.values()}) == 1
        print(f"{'':10s} answers {'all equal' if same else 'DIFFER'}: {json.dumps(answers['marts'], sort_keys=True)}")


if __name__ == "__main__":
    sys.exit(main())
