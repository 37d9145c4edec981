"""Demo generator: time, memory and size of building the demo shop, against a plain baseline.

The project's path is the real one: ``analytics.core.jobs.run_job`` running ``build_demo`` into a
fresh DuckDB file (batches, checkpoints, the closing checkpoint and the published snapshot).
The baseline, in the same process, writes the same number of *uniform random* event rows
(numpy, same columns, same chunk size, same id-formatting insert) into a fresh warehouse
file: the cost of the rows themselves, without any of the shop's realism. The ratio is
demo seconds / baseline seconds. Target (issue): 10M events in under 180 s, under ~6 GB.

    python -m bench.bench_demo [--events 10000000] [--seed 7] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from analytics.core import jobs, warehouse
from analytics.demo import DemoParams, build_demo
from analytics.demo.writer import sql
from models.settings import Settings

TARGET_S = 180.0
TARGET_RSS_GB = 6.0


class PeakRss:
    """Peak resident memory of this process while the block runs (sampled every 20 ms)."""

    def __enter__(self) -> PeakRss:
        self.peak = self.baseline = _rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary warehouses")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    try:
        demo = run_demo(work / "demo" / "warehouse.duckdb", args.events, args.seed)
        base = run_baseline(work / "baseline" / "warehouse.duckdb", demo["events"], args.seed)
        report(demo, base)
        print_shape(work / "demo" / "warehouse.duckdb")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if demo["seconds"] <= TARGET_S and demo["peak_gb"] <= TARGET_RSS_GB else 1


def run_demo(db_path: Path, events: int, seed: int) -> dict:
    """Build the demo shop through the real job runner; seconds include closing and publishing."""
    settings = Settings(db_path=db_path, job_lock_timeout_s=30)
    params = {"events": events, "seed": seed, "replace": False}
    with PeakRss() as rss:
        start = time.perf_counter()
        result = jobs.run_job(
            settings,
            "demo",
            lambda ctx: build_demo(ctx, events=events, seed=seed, replace=False),
            params=params,
        )
        seconds = time.perf_counter() - start
    if result.status != "done":
        raise SystemExit(f"demo job failed: {result.error}")
    s = result.summary
    rows = s["events"] + s["users"] + s["products"] + s["reviews"] + s["searches"]
    return {
        "seconds": seconds,
        "events": s["events"],
        "rows": rows,
        "summary": s,
        "peak_gb": rss.peak / 1e9,
        "file_mb": db_path.stat().st_size / 1e6,
    }


def run_baseline(db_path: Path, events: int, seed: int) -> dict:
    """Uniform random event rows, chunk by chunk, through the same insert statement."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    chunk_rows = DemoParams().users_per_chunk * int(DemoParams().events_per_user)
    rng = np.random.default_rng(seed)
    with PeakRss() as rss:
        start = time.perf_counter()
        con = warehouse.configure(duckdb.connect(str(db_path)))
        warehouse.migrate(con)
        for first in range(0, events, chunk_rows):
            n = min(chunk_rows, events - first)
            con.register("demo_chunk_events", _uniform_events(n, rng))
            con.begin()
            con.execute(sql("insert_events"), {"import_id": 1})
            con.commit()
            con.unregister("demo_chunk_events")
        warehouse.close_writer(con)
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "events": events,
        "peak_gb": rss.peak / 1e9,
        "file_mb": db_path.stat().st_size / 1e6,
    }


def _uniform_events(n: int, rng: np.random.Generator) -> pa.Table:
    start_us = 1_777_766_400_000_000  # 2026-05-03 00:00 UTC
    window_us = 26 * 7 * 86_400 * 1_000_000

    def dictionary(k: int, values: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, k, n).astype(np.int32)), pa.array(values))

    types = ["view", "cart", "remove_from_cart", "purchase", "refund", "wishlist"]
    return pa.table(
        {
            "event_time": pa.array(start_us + rng.integers(0, window_us, n), type=pa.timestamp("us")),
            "event_type": dictionary(6, types),
            "user_n": pa.array(rng.integers(1, 200_000, n)),
            "session_n": pa.array(rng.integers(1, 1_500_000, n)),
            "product_id": dictionary(20_000, [f"p{i:06d}" for i in range(1, 20_001)]),
            "quantity": pa.array(rng.integers(1, 4, n).astype(np.int16)),
            "price": pa.array(np.round(rng.uniform(1, 1000, n), 2)),
            "currency": dictionary(2, ["USD", "EUR"]),
            "order_n": pa.array(rng.integers(1, 400_000, n)),
            "traffic_source": dictionary(6, ["organic", "paid_search", "social", "email", "direct", "referral"]),
            "device": dictionary(3, ["mobile", "desktop", "tablet"]),
        }
    )


def report(demo: dict, base: dict) -> None:
    s = demo["summary"]
    print(
        f"demo shop    {demo['events']:>12,} events  {demo['seconds']:7.1f} s  "
        f"{demo['events'] / demo['seconds']:>10,.0f} events/s  "
        f"{demo['rows'] / demo['seconds']:>10,.0f} rows/s (all tables)  "
        f"peak RSS {demo['peak_gb']:.2f} GB  file {demo['file_mb']:,.0f} MB"
    )
    print(
        f"             {s['users']:,} users, {s['products']:,} products, {s['sessions']:,} sessions, "
        f"{s['orders']:,} orders, {s['reviews']:,} reviews, {s['searches']:,} searches, {s['chunks']} chunks"
    )
    print(
        f"baseline     {base['events']:>12,} events  {base['seconds']:7.1f} s  "
        f"{base['events'] / base['seconds']:>10,.0f} events/s  (uniform rows, same insert)  "
        f"peak RSS {base['peak_gb']:.2f} GB  file {base['file_mb']:,.0f} MB"
    )
    print(
        f"ratio demo/baseline: time {demo['seconds'] / base['seconds']:.2f}, "
        f"peak RSS {demo['peak_gb'] / base['peak_gb']:.2f}, file {demo['file_mb'] / base['file_mb']:.2f}; "
        f"target {TARGET_S:.0f} s -> {demo['seconds'] / TARGET_S:.2f} of it"
    )


SHAPE_SQL = """
with
    purchases as (
        select p.*, exists (
            select 1 from events c where c.event_type = 'cart' and c.session_id = p.session_id
              and c.product_id = p.product_id and c.event_time < p.event_time) as had_cart
        from events p where p.event_type = 'purchase'),
    sessions as (
        select session_id, bool_or(event_type = 'cart') as carted, bool_or(event_type = 'purchase') as bought
        from events where session_id is not null group by 1),
    orders as (select order_id, count(*) as lines from events where event_type = 'purchase' group by 1),
    per_user as (select user_id, count(*) as n from events group by 1)
select
    (select avg((not had_cart)::int) from purchases) as purchases_without_cart,
    (select avg(carted::int) from sessions) as sessions_with_cart,
    (select avg(bought::int) from sessions) as sessions_with_purchase,
    (select avg((lines > 1)::int) from orders) as multi_item_orders,
    (select count(*) filter (where event_type = 'refund') / count(*) filter (where event_type = 'purchase')
     from events) as refunds_per_purchase,
    (select count(*) from reviews) / (select count(*) from events where event_type = 'purchase') as reviewed,
    (select median(n) from per_user) as median_events_per_user
"""


def print_shape(db_path: Path) -> None:
    """The funnel figures docs/DEMO_DATA.md quotes."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        shares = con.execute(
            "select event_type, count(*) / sum(count(*)) over () from events group by 1 order by 2 desc"
        ).fetchall()
        print("event shares " + ", ".join(f"{t} {share:.2%}" for t, share in shares))
        cur = con.execute(SHAPE_SQL)
        row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
        print("shape        " + ", ".join(f"{k} {v:.3g}" for k, v in row.items()))
        stars = con.execute("select rating, count(*) / sum(count(*)) over () from reviews group by 1 order by 1")
        print("ratings      " + ", ".join(f"{r}* {share:.1%}" for r, share in stars.fetchall()))
    finally:
        con.close()


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    sys.exit(main())
