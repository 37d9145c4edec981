"""Recommendations: offline evaluation of the SAR-style model against popularity.

Time split (analytics.campaigns.recommend.evaluate): train on events before the point that leaves the
last 20% of purchases, test on what each buyer bought after it and had not bought before.
Prints HR@10, NDCG@10, coverage and fallback share for both models and the HR ratio, on the
demo shop (built through the job runner into a temporary folder) and the real REES46 and UCI
(invoice lines) samples of ../shared/data, plus the time to recommend for every user.

    python -m bench.eval_recommend [--events 200000] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from analytics.campaigns import recommend
from analytics.core import jobs, warehouse
from analytics.demo import build_demo
from analytics.ingest import import_file
from models.settings import Settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SAMPLES = {
    "REES46 2019-10-01 sample": ("rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz", "rees46"),
    "UCI Online Retail lines": ("online_retail_uci/online_retail_lines_first8373.csv.gz", "online_retail"),
}


def report(name: str, con) -> None:
    started = time.perf_counter()
    result = recommend.evaluate(con)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    served = recommend.user_recommendations(con)["user_id"].nunique()
    all_users_s = time.perf_counter() - started
    sar, popular = result["sar"], result["popular"]
    ratio = sar["hr_at_k"] / popular["hr_at_k"] if popular["hr_at_k"] else float("nan")
    print(f"\n{name}: split at {result['split_at']}, {result['users']:,} test users, evaluated in {seconds:.1f} s")
    print(f"  {'model':<10} {'HR@10':>7} {'NDCG@10':>8} {'coverage':>9} {'fallback':>9}")
    for model, m in (("SAR", sar), ("popular", popular)):
        hr, ndcg, coverage, fallback = m["hr_at_k"], m["ndcg_at_k"], m["coverage"], m["fallback_share"]
        print(f"  {model:<10} {hr:>7.3f} {ndcg:>8.3f} {coverage:>9.3f} {fallback:>9.3f}")
    print(f"  HR ratio SAR / popular: {ratio:.2f}x; recommendations for all {served:,} users in {all_users_s:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db_path=Path(folder) / "warehouse.duckdb")
        params = {"events": args.events, "seed": args.seed, "replace": False}
        result = jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, **params), params=params)
        assert result.status == "done", result.error
        con = warehouse.open_reader(warehouse.current_snapshot(settings))
        report(f"demo shop ({args.events:,} events, seed {args.seed})", con)
        con.close()
    for name, (relative, fmt) in SAMPLES.items():
        path = SHARED / relative
        if not path.exists():
            print(f"\n{name}: sample {path} missing, skipped")
            continue
        con = warehouse.connect_memory()
        import_file(con, path, fmt)
        report(name, con)
        con.close()


if __name__ == "__main__":
    main()
