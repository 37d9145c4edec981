"""Load: many browser sessions clicking through every page while a model job runs.

One Chromium, N browser contexts (default 20). All open the app first (at most OPENING at a time,
timed apart), then each visits every page the demo admin sees, for R rounds, starting its tour
at a different page. A page interaction is timed from the click on the sidebar link to the end
of the script run (the app's ``data-test-script-state`` back to ``notRunning``). Before each
click a session reads the page for a think time drawn uniformly from 0.5x-1.5x ``--think``
seconds (seeded); ``--think 0`` is the stress case where every session clicks as fast as it can.

Meanwhile a model job (default ``sentiment``: the language model scores the shop's reviews, for
minutes on a CPU, publishing once at its end) is started the way
the dashboard starts it (analytics.core.jobs.launch_job, so it runs at the ``job_nice`` priority and
shows in every tab's job panel) and started again whenever it ends, until the clicks end.

Reported: p50/p95/max interaction latency overall and per page, errors (exceptions shown on a
page), the jobs run and their outcome, and where the CPU went (server, Chromium, job): the 20
browsers run on the server's own cores here, unlike colleagues' browsers on their own laptops.
Baseline in the same run: the same clicks by one session alone before the load starts; the
ratio printed is p95 under load / p95 alone. Target: p95 under 3 s, no error.

    python -m bench.bench_load [--sessions 20] [--rounds 2] [--think 10] [--events 200000] [--job sentiment]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import random
import shlex
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.core import jobs  # noqa: E402
from dashboard.components.frame import PAGES  # noqa: E402
from models.settings import load_settings  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Colleagues open the dashboard over a few seconds, not in the same millisecond: at most this
# many sessions load the app bundle at once. Opening is timed apart from interactions.
OPENING = 4
TARGET_P95_S = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=10.0, help="mean seconds a session reads a page (0: none)")
    parser.add_argument("--events", type=int, default=200_000, help="demo shop size")
    parser.add_argument("--job", default="sentiment", help="analytics command run as the model job during the load")
    parser.add_argument("--db", help="existing warehouse to use instead of building a demo shop")
    args = parser.parse_args(argv)
    result = run_load(args)
    _report(result, args)
    return 0 if _passed(result) else 1


def run_load(args: argparse.Namespace) -> dict:
    """Build (or reuse) a warehouse, start the server, time one session alone, then the load."""
    work = Path(tempfile.mkdtemp(prefix="load-"))
    db = Path(args.db) if args.db else work / "warehouse.duckdb"
    settings = load_settings(environ={}, overrides={"db_path": db})
    if not args.db:
        # A shop as colleagues would see it after setup: data and segments, so every page has content.
        for argv in (["demo", "--events", str(args.events)], ["segment"]):
            outcome = _wait_for(settings, jobs.launch_job(settings, argv[0], argv, {}, "bench"))
            if outcome != "done":
                raise SystemExit(f"setting up the shop: `{' '.join(argv)}` ended {outcome}")
    server = start_server(db, work)
    try:
        alone = _run_apart(_run_sessions(server.url, 1, 1, 0.0))
        print(f"alone: p95 {_p95(alone['latencies']):.2f} s over {len(alone['latencies'])} interactions", flush=True)
        cpu = _CpuMeter(server.process.pid)
        runner = _JobLoop(settings, shlex.split(args.job))
        cpu.start()
        runner.start()
        started = time.monotonic()
        loaded = _run_apart(_run_sessions(server.url, args.sessions, args.rounds, args.think))
        loaded["seconds"] = time.monotonic() - started
        job_outcomes = runner.stop()
        cpu_split = cpu.stop()
    finally:
        stop_server(server)
    return {"alone": alone, "loaded": loaded, "jobs": job_outcomes, "cpu": cpu_split}


def _run_apart(coroutine):
    # In its own thread: under pytest a sync Playwright browser of another test may already hold
    # an event loop in the main thread, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _run_sessions(url: str, sessions: int, rounds: int, think: float) -> dict:
    from playwright.async_api import async_playwright

    opening = asyncio.Semaphore(OPENING)
    # Clicks are timed in the steady state: every session has opened the app before any clicks.
    all_open = asyncio.Barrier(sessions)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        results = await asyncio.gather(
            *(_session(browser, url, rounds, think, i, opening, all_open) for i in range(sessions))
        )
        await browser.close()
    return {
        "latencies": [x for r in results for x in r["latencies"]],
        "by_page": {spec.title: [x for r in results for x in r["by_page"][spec.title]] for spec in PAGES},
        "opens": [r["open"] for r in results],
        "errors": [e for r in results for e in r["errors"]],
    }


async def _session(
    browser, url: str, rounds: int, think: float, index: int, opening: asyncio.Semaphore, all_open: asyncio.Barrier
) -> dict:
    rng = random.Random(index)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    latencies, errors = [], []
    by_page: dict[str, list[float]] = {spec.title: [] for spec in PAGES}
    async with opening:
        start = time.monotonic()
        await page.goto(url, wait_until="commit", timeout=300_000)
        await page.wait_for_selector(READY, timeout=300_000)
        opened = time.monotonic() - start
    await all_open.wait()
    # Colleagues do not move in step: each session starts its tour at a different page.
    tour = PAGES[index % len(PAGES) :] + PAGES[: index % len(PAGES)]
    for _ in range(rounds):
        for spec in tour:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            start = time.monotonic()
            await page.get_by_test_id("stSidebarNav").get_by_text(spec.title, exact=True).click(timeout=60_000)
            await page.wait_for_function(
                "t => document.querySelector('h1') && document.querySelector('h1').innerText.includes(t)",
                arg=spec.title,
                timeout=120_000,
            )
            await page.wait_for_selector(READY, timeout=120_000)
            latencies.append(time.monotonic() - start)
            by_page[spec.title].append(latencies[-1])
            if await page.get_by_test_id("stException").count():
                errors.append(f"session {index}: exception on {spec.title}")
    await context.close()
    return {"latencies": latencies, "by_page": by_page, "open": opened, "errors": errors}


class _JobLoop:
    """Keeps one dashboard-style job running (started again when it ends) until stopped."""

    def __init__(self, settings, argv: list[str]):
        self.settings, self.argv = settings, argv
        self.outcomes: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[str]:
        self._stop.set()
        self._thread.join()
        return self.outcomes

    def _loop(self) -> None:
        while not self._stop.is_set():
            job_id = jobs.launch_job(self.settings, self.argv[0], self.argv, {"bench": "load"}, "bench")
            self.outcomes.append(_wait_for(self.settings, job_id, self._stop))


def _wait_for(settings, job_id: int, stop: threading.Event | None = None) -> str:
    """The job's final status; 'running at the end' when the clicks ended first."""
    while True:
        job = jobs.get_job(settings, job_id)
        if job and job["status"] not in jobs.ACTIVE:
            return job["status"]
        if stop is not None and stop.is_set():
            return "running at the end"
        time.sleep(0.5)


class _CpuMeter:
    """CPU seconds used meanwhile by the server process, Chromium's processes and the job's."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self._last: dict[str, tuple[str, float]] = {}
        self._first: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        split = {"server": 0.0, "chromium": 0.0, "job": 0.0}
        for pid, (kind, seconds) in self._last.items():
            split[kind] += seconds - self._first.get(pid, 0.0)
        return split

    def _sample(self) -> None:
        # Chromium's processes come and go with the contexts: sample often, keep each one's last value.
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    self._record(pid)
            time.sleep(0.5)

    def _record(self, pid: str) -> None:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return
        kind = _kind(int(pid), command, self.server_pid)
        if kind is None:
            return
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        self._first.setdefault(pid, seconds if kind == "server" else 0.0)
        self._last[pid] = (kind, seconds)


def _kind(pid: int, command: bytes, server_pid: int) -> str | None:
    if pid == server_pid:
        return "server"
    if b"chrom" in command:
        return "chromium"
    return "job" if b"--job-id" in command else None


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _passed(result: dict) -> bool:
    loaded = result["loaded"]
    jobs_ok = bool(result["jobs"]) and all(o in ("done", "running at the end") for o in result["jobs"])
    return not loaded["errors"] and _p95(loaded["latencies"]) < TARGET_P95_S and jobs_ok


def _report(result: dict, args: argparse.Namespace) -> None:
    alone, loaded = result["alone"], result["loaded"]
    lat = sorted(loaded["latencies"])
    print(f"pages: {', '.join(p.title for p in PAGES)}")
    print(f"alone:  {len(alone['latencies'])} interactions, p95 {_p95(alone['latencies']):.2f} s")
    print(
        f"load:   {args.sessions} sessions x {args.rounds} rounds, think {args.think:g} s = {len(lat)} interactions, "
        f"p50 {statistics.median(lat):.2f} s, p95 {_p95(lat):.2f} s, max {lat[-1]:.2f} s, "
        f"errors {len(loaded['errors'])}"
    )
    print(f"ratio p95 load/alone: {_p95(lat) / _p95(alone['latencies']):.2f}")
    print(f"opening the app (not counted above): p95 {_p95(loaded['opens']):.2f} s, max {max(loaded['opens']):.2f} s")
    for title, values in loaded["by_page"].items():
        print(f"  {title:<16} p50 {statistics.median(values):.2f} s  p95 {_p95(values):.2f} s  max {max(values):.2f} s")
    print(f"model job `{args.job}` runs during the load: {', '.join(result['jobs'])}")
    cpu = result["cpu"]
    print(
        f"CPU seconds during the load ({loaded['seconds']:.0f} s wall x {os.cpu_count()} cores): "
        + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
    )
    print(f"target p95 < {TARGET_P95_S:g} s, no error, jobs succeed: {'PASS' if _passed(result) else 'FAIL'}")
    for error in loaded["errors"][:10]:
        print("  ", error)


if __name__ == "__main__":
    sys.exit(main())
