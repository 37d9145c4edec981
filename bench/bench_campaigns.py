"""Campaign results: do the 95% lift intervals cover the planted truth, how often does a campaign
without an effect look like one, how much narrower CUPED makes them, and how fast results are.

Three parts, each printed as a table for bench/RESULTS.md:

1. **Randomisation, at the data level.** For each of ``--shops`` demo seeds a shop is built
   *without* its past campaigns (``DemoParams(campaigns=())``) through the real job runner. For each
   demo campaign the plan's users, their RFM strata, their conversion without the campaign (Y0)
   and their pre-period orders (the CUPED covariate) are read from that shop once; then each of
   ``--replicates`` replicates redraws what the demo's campaign step draws: the holdout
   (plans.assign_arms with a new seed) and the extra-order draw (``extra_order_prob``), sets
   Y = Y0 or (extra and treated), and computes the lift with the product's own functions
   (results.conversion_lift). The truth of each replicate is its sample average effect, mean(extra
   and not Y0), as the demo stores it. This is the same arithmetic as building a shop per
   replicate, without regenerating the base shop thousands of times.
2. **End to end.** The same seeds built *with* their campaigns (the default demo), results read
   through ``results.compute`` on the published snapshot, and checked against
   demo_campaign_effects: conversion and revenue per user in each currency.
3. **Speed.** One shop of ``--large-events`` events with its campaigns; ``results.compute`` of the
   planted campaign on the published snapshot, first call and warm median, against a baseline in
   the same process: the same per-user reads from the raw events table instead of the order-lines
   mart.

    python -m bench.bench_campaigns [--events 150000] [--shops 10] [--replicates 200]
        [--large-events 10000000] [--skip-large]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.campaigns import plans, results
from analytics.core import jobs, queries, warehouse
from analytics.demo import DemoParams, build_demo
from analytics.demo.campaigns import plan_request
from analytics.demo.params import DEFAULT_CAMPAIGNS
from models.settings import Settings

PRE_DAYS = results.PRE_PERIOD_DAYS
BASE_USERS_SQL = """
with
    chosen as (select unnest($user_ids) as user_id),
    keys as (select k.user_id, k.user_key from mart_users k join chosen using (user_id)),
    lines as (
        select user_key, order_key, day from mart_order_lines
        where is_order and day >= cast($pre_start as date) and day < cast($end as date)
    )
select c.user_id,
    coalesce(count(distinct l.order_key) filter (where l.day >= cast($start as date)), 0) > 0 as converted,
    coalesce(count(distinct l.order_key) filter (where l.day < cast($start as date)), 0) as orders_pre
from chosen c
left join keys k using (user_id)
left join lines l using (user_key)
group by c.user_id
order by c.user_id
"""
RAW_OUTCOMES_SQL = """
with
    assignments as (select user_id, arm from campaign_assignments where campaign_id = $campaign_id),
    purchases as (
        select user_id, order_id, currency, price * quantity as amount, cast(event_time as date) as day from events
        where event_type = 'purchase' and event_time >= cast($pre_start as timestamp)
            and event_time < cast($end as timestamp)
    )
select a.user_id, a.arm, p.currency,
    count(distinct p.order_id) filter (where p.day >= cast($start as date)) as count_orders,
    count(distinct p.order_id) filter (where p.day < cast($start as date)) as count_orders_pre,
    sum(p.amount) filter (where p.day >= cast($start as date)) as revenue,
    sum(p.amount) filter (where p.day < cast($start as date)) as revenue_pre
from assignments a left join purchases p using (user_id)
group by a.user_id, a.arm, p.currency
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=150_000, help="size of each shop of parts 1 and 2")
    parser.add_argument("--shops", type=int, default=10, help="demo seeds (1 .. N)")
    parser.add_argument("--replicates", type=int, default=200, help="redraws per shop and campaign (part 1)")
    parser.add_argument("--large-events", type=int, default=10_000_000, help="size of the shop of part 3")
    parser.add_argument("--skip-large", action="store_true", help="leave out part 3")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-campaigns-"))
    try:
        seeds = range(1, args.shops + 1)
        simulated = simulate(work, args.events, seeds, args.replicates)
        report_simulation(simulated, args)
        end_to_end = check_end_to_end(work, args.events, seeds)
        report_end_to_end(end_to_end, args)
        if not args.skip_large:
            report_speed(time_results(work, args.large_events))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _shop(path: Path, events: int, seed: int, params: DemoParams | None = None) -> Settings:
    settings = Settings(db_path=path, job_lock_timeout_s=30)
    built = jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, events=events, seed=seed, replace=False,
                                                                   params=params))  # fmt: skip
    if built.status != "done":
        raise SystemExit(f"demo job failed: {built.error}")
    return settings


# -- part 1 ----------------------------------------------------------------------------------------
def simulate(work: Path, events: int, seeds: range, replicates: int) -> pd.DataFrame:
    """One row per (shop, campaign, replicate): truth, intervals, widths."""
    rows = []
    for seed in seeds:
        settings = _shop(work / f"base-{seed}" / "w.duckdb", events, seed, DemoParams(campaigns=()))
        con = warehouse.open_reader(warehouse.current_snapshot(settings))
        try:
            for index, campaign in enumerate(DEFAULT_CAMPAIGNS):
                users = _base_users(con, campaign)
                rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(9, index)))
                for replicate in range(replicates):
                    rows.append(_replicate(users, campaign, rng) | {"seed": seed, "campaign": campaign.name,
                                                                     "replicate": replicate})  # fmt: skip
        finally:
            con.close()
    return pd.DataFrame(rows)


def _base_users(con, campaign) -> pd.DataFrame:
    """The plan's users with their stratum, conversion without the campaign and pre-period orders."""
    request = plan_request(campaign)
    strata = plans.draw(con, request, seed=0)["assignments"][["user_id", "stratum"]]
    start = datetime.combine(campaign.start, day_time.min)
    outcomes = con.execute(
        BASE_USERS_SQL,
        {
            "user_ids": strata["user_id"].tolist(),
            "start": start,
            "end": start + timedelta(days=campaign.days),
            "pre_start": start - timedelta(days=PRE_DAYS),
        },
    ).df()
    return strata.merge(outcomes, on="user_id")


def _replicate(users: pd.DataFrame, campaign, rng: np.random.Generator) -> dict:
    labels = plans.labels(len(campaign.variants))
    strata = pd.Series(users["stratum"].to_numpy(), index=users["user_id"].to_numpy())
    drawn = plans.assign_arms(strata, campaign.holdout_share, labels, seed=int(rng.integers(2**31)))
    treated = (drawn["arm"] != plans.HOLDOUT).to_numpy()  # users are sorted by id in both frames
    y0 = users["converted"].to_numpy()
    extra = rng.random(len(users)) < campaign.extra_order_prob
    frame = pd.DataFrame(
        {"converted": y0 | (extra & treated), "count_orders_pre": users["orders_pre"].to_numpy(dtype=float)}
    )
    lift = results.conversion_lift(frame, treated, ~treated)
    raw, cuped = lift["unadjusted"], lift["cuped"]
    return {
        "truth": campaign.extra_order_prob * float(np.mean(~y0)),
        "sample_truth": float(np.mean(extra & ~y0)),
        "cuped_low": lift["low"],
        "cuped_high": lift["high"],
        "newcombe_low": raw["low"],
        "newcombe_high": raw["high"],
        "wald_width": cuped.get("unadjusted_width", np.nan),
        "cuped_width": cuped.get("adjusted_width", np.nan),
        "variance_reduction": cuped.get("variance_reduction", 0.0),
        "users": len(users),
        "holdout": int((~treated).sum()),
    }


def report_simulation(sims: pd.DataFrame, args: argparse.Namespace) -> None:
    print(
        f"\nPart 1: {args.shops} shops of {args.events:,} events x {args.replicates} redraws per campaign "
        "(data-level simulation of the demo's campaign step)"
    )
    print("| campaign | replicates | users (holdout) | planted effect | coverage, CUPED | coverage, Newcombe "
          "| coverage of the sample effect, CUPED | excludes 0, CUPED | excludes 0, Newcombe | width without CUPED "
          "| width CUPED | CUPED / without |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, group in sims.groupby("campaign", sort=False):
        covered = _share(group["cuped_low"] <= group["truth"], group["truth"] <= group["cuped_high"])
        covered_n = _share(group["newcombe_low"] <= group["truth"], group["truth"] <= group["newcombe_high"])
        covered_s = _share(group["cuped_low"] <= group["sample_truth"], group["sample_truth"] <= group["cuped_high"])
        excludes = ((group["cuped_low"] > 0) | (group["cuped_high"] < 0)).mean()
        excludes_n = ((group["newcombe_low"] > 0) | (group["newcombe_high"] < 0)).mean()
        ratio = (group["cuped_width"] / group["wald_width"]).mean()
        print(
            f"| {name} | {len(group):,} | {group['users'].mean():.0f} ({group['holdout'].mean():.0f}) "
            f"| {group['truth'].mean():.4f} | {covered:.3f} | {covered_n:.3f} | {covered_s:.3f} | {excludes:.3f} "
            f"| {excludes_n:.3f} | {group['wald_width'].mean():.4f} | {group['cuped_width'].mean():.4f} | {ratio:.4f} |"
        )
    se = np.sqrt(0.95 * 0.05 / max(1, len(sims) // sims["campaign"].nunique()))
    print(f"(Monte Carlo standard error of a coverage near 0.95: {se:.3f})")


def _share(low_ok: pd.Series, high_ok: pd.Series) -> float:
    return float((low_ok & high_ok).mean())


# -- part 2 ----------------------------------------------------------------------------------------
def check_end_to_end(work: Path, events: int, seeds: range) -> pd.DataFrame:
    rows = []
    for seed in seeds:
        settings = _shop(work / f"full-{seed}" / "w.duckdb", events, seed)
        con = warehouse.open_reader(warehouse.current_snapshot(settings))
        try:
            truth = {(c, m): v for c, m, v in con.execute("select * from demo_campaign_effects").fetchall()}
            for campaign_id in sorted({c for c, _ in truth}):
                result = results.compute(con, campaign_id)
                rows.append(_row(seed, campaign_id, "conversion", result["lift"], truth))
                for revenue in result["revenue_per_user"]:
                    rows.append(_row(seed, campaign_id, f"revenue_per_user_{revenue['currency']}", revenue, truth))
        finally:
            con.close()
    return pd.DataFrame(rows)


def _row(seed: int, campaign_id: int, metric: str, lift: dict, truth: dict) -> dict:
    value = truth[(campaign_id, metric)]
    return {
        "seed": seed,
        "campaign": campaign_id,
        "metric": metric,
        "truth": value,
        "estimate": lift["estimate"],
        "covered": lift["low"] <= value <= lift["high"],
        "excludes_zero": lift["low"] > 0 or lift["high"] < 0,
    }


def report_end_to_end(rows: pd.DataFrame, args: argparse.Namespace) -> None:
    print(f"\nPart 2: end to end, {args.shops} demo shops of {args.events:,} events with their campaigns")
    print("| campaign | metric | shops | covered | excludes 0 | mean truth | mean estimate |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for (campaign, metric), group in rows.groupby(["campaign", "metric"]):
        print(
            f"| {campaign} | {metric} | {len(group)} | {int(group['covered'].sum())} | "
            f"{int(group['excludes_zero'].sum())} | {group['truth'].mean():.4f} | {group['estimate'].mean():.4f} |"
        )


# -- part 3 ----------------------------------------------------------------------------------------
def time_results(work: Path, events: int) -> dict:
    started = time.perf_counter()
    settings = _shop(work / "large" / "w.duckdb", events, 7)
    build_s = time.perf_counter() - started
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        count = con.execute("select count(*) from events").fetchone()[0]
        plan = results.find_plan(con, 1)
        params = results.Window(plan["start_day"], plan["end_day"], PRE_DAYS).params(1)

        def mart_reads() -> None:
            queries.frame(con, "campaign_user_outcomes", params)
            queries.frame(con, "campaign_user_revenue", params)

        timings = {
            "total": _timed(lambda: results.compute(con, 1), repeats=5),
            "marts": _timed(mart_reads, repeats=5),
            "raw": _timed(lambda: con.execute(RAW_OUTCOMES_SQL, params).df(), repeats=5),
        }
        users = int(plan["count_users"])
    finally:
        con.close()
    return {"events": count, "users": users, "build_s": build_s, **timings}


def _timed(fn, repeats: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def report_speed(s: dict) -> None:
    print(f"\nPart 3: results of campaign 1 on a shop of {s['events']:,} events ({s['users']:,} plan users; "
          f"built with its marts in {s['build_s']:.0f} s)")  # fmt: skip
    print("| path | first call s | warm median s (5 runs) |")
    print("|---|---:|---:|")
    rows = (
        ("results.compute: reads, arms, every lift with CUPED", "total"),
        ("of which the per-user reads from the order-lines mart", "marts"),
        ("baseline: the same per-user reads from raw events (gross revenue)", "raw"),
    )
    for label, key in rows:
        first, warm = s[key]
        print(f"| {label} | {first:.3f} | {warm:.3f} |")
    print(f"warm ratio mart reads / raw-event reads: {s['marts'][1] / s['raw'][1]:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
