"""The customer-value refresh (``marts.refresh_customer_value``) now and with an earlier clv.py.

The earlier analytics/core/clv.py (``--baseline-rev``, read with ``git show``; by default the last
commit before the analytic gradients, the int64 history keys and the numpy ``summarise``) is
loaded as a module and swapped in for marts' ``clv``, so both run in one process on the same
warehouse. The baseline also runs with BLAS held to one thread around the whole refresh, which
separates what the new code computes less from what it gains by keeping L-BFGS-B's BLAS on one
thread. Each refresh runs inside ``begin`` ... ``rollback``. Prints the median wall and CPU
seconds of each, the ratios, and the largest relative change of the fitted parameters and of
the customer values between now and the baseline.

    python -m bench.bench_clv_fit [--db PATH] [--events 10000000] [--seed 7] [--repeat 5]

Without ``--db`` the demo warehouse of bench.bench_conversion is copied and the copy used.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import duckdb
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analytics.core import clv, marts
from bench.bench_conversion import BENCH_DIR, ROOT, ensure_warehouse

BASELINE_REV = "5410393"  # main before the CLV fit speed-ups


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    work = Path(args.db) if args.db else BENCH_DIR / f"clv_fit_{args.events}_{args.seed}.duckdb"
    if not args.db:
        shutil.copyfile(ensure_warehouse(args.events, args.seed), work)
    baseline = _module_at(args.baseline_rev)
    try:
        with duckdb.connect(work) as con:
            variants = {"now": (clv, None), "baseline": (baseline, None), "baseline, 1 BLAS thread": (baseline, 1)}
            runs = {label: [] for label in variants}
            for _ in range(args.repeat):  # interleaved, so load changes hit all alike
                for label, (module, blas_threads) in variants.items():
                    with threadpool_limits(limits=blas_threads, user_api="blas"):
                        runs[label].append(_refresh(con, module))
    finally:
        if not args.db:
            work.unlink(missing_ok=True)
    for label, results in runs.items():
        wall, cpu = _median(results, "wall"), _median(results, "cpu")
        print(f"{label:>23}: {wall:.3f} s wall, {cpu:.3f} s CPU  ({len(results)} refreshes, median)")
    for label in list(runs)[1:]:
        wall, cpu = (_median(runs["now"], key) / _median(runs[label], key) for key in ("wall", "cpu"))
        print(f"now / {label}: {wall:.3f} wall, {cpu:.3f} CPU")
    now, before = runs["now"][-1], runs["baseline"][-1]
    print(f"largest relative change: params {_largest_change(now['params'], before['params']):.2e}, ", end="")
    print(f"clv {_largest_change(now['clv'], before['clv']):.2e}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a warehouse copy to use (default: a copy of the demo of --events)")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="refreshes of each (median reported)")
    parser.add_argument("--baseline-rev", default=BASELINE_REV, help="git revision of the baseline clv.py")
    return parser


def _module_at(rev: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:analytics/core/clv.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("clv_baseline", file.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    Path(file.name).unlink()
    return module


def _refresh(con: duckdb.DuckDBPyConnection, module: ModuleType) -> dict:
    marts.clv = module
    con.execute("begin")
    try:
        started, cpu = time.perf_counter(), time.process_time()
        marts.refresh_customer_value(con)
        result = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}
        models = con.execute("select currency, params from mart_clv_models order by currency").fetchall()
        result["params"] = pd.Series({(c, k): v for c, p in models if p for k, v in json.loads(p).items()})
        values = con.execute("select currency, user_key, clv from mart_customer_value").df()
        result["clv"] = values.set_index(["currency", "user_key"])["clv"]
        return result
    finally:
        con.execute("rollback")
        marts.clv = clv


def _median(results: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in results)


def _largest_change(now: pd.Series, before: pd.Series) -> float:
    now, before = now.align(before)
    return float(np.nanmax(np.abs(now / before - 1))) if len(now) else 0.0


if __name__ == "__main__":
    sys.exit(main())
