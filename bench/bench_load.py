"""Load: many browser sessions clicking through every page while a model job runs.

One Chromium, N browser contexts (default 20), each visiting every page the demo admin sees in
turn, for R rounds. A page interaction is timed from the click on the sidebar link to the end
of the script run (the app's ``data-test-script-state`` back to ``notRunning``). Meanwhile a
writing model job runs from the command line against the same warehouse. Reported: p50/p95/max
interaction latency, errors (exceptions shown on a page), and the job's exit status.

Baseline in the same run: the same clicks by one session alone before the load starts; the
ratio printed is p95 under load / p95 alone. Target (issue 8): p95 under 3 s, no error.

    python -m bench.bench_load [--sessions 20] [--rounds 2] [--events 200000] [--job "segment"]
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.components.frame import PAGES  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--events", type=int, default=200_000, help="demo shop size")
    parser.add_argument("--job", default="segment", help="analytics command run as the model job during the load")
    parser.add_argument("--db", help="existing warehouse to use instead of building a demo shop")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="load-"))
    db = Path(args.db) if args.db else work / "warehouse.duckdb"
    if not args.db:
        _cli(db, "demo", "--events", str(args.events), check=True)
    server = start_server(db, work)
    try:
        alone = asyncio.run(_run_sessions(server.url, 1, 1))
        job = subprocess.Popen(
            [sys.executable, "-m", "analytics", "--db", str(db), *shlex.split(args.job)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        loaded = asyncio.run(_run_sessions(server.url, args.sessions, args.rounds))
        job_running_at_end = job.poll() is None
        job_rc = job.wait()
        job_out = job.stdout.read()
    finally:
        stop_server(server)
    _report(alone, loaded, args, job_rc, job_running_at_end)
    if job_rc != 0:
        print(job_out[-2000:])
    ok = not loaded["errors"] and _p95(loaded["latencies"]) < 3.0 and job_rc == 0
    return 0 if ok else 1


async def _run_sessions(url: str, sessions: int, rounds: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        results = await asyncio.gather(*(_session(browser, url, rounds, i) for i in range(sessions)))
        await browser.close()
    return {
        "latencies": [x for r in results for x in r["latencies"]],
        "errors": [e for r in results for e in r["errors"]],
    }


async def _session(browser, url: str, rounds: int, index: int) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    latencies, errors = [], []
    await page.goto(url, timeout=120_000)
    await page.wait_for_selector(READY, timeout=120_000)
    for _ in range(rounds):
        for spec in PAGES:
            link = page.get_by_test_id("stSidebarNav").get_by_text(spec.title, exact=True)
            start = time.monotonic()
            await link.click(timeout=60_000)
            await page.wait_for_function(
                "t => document.querySelector('h1') && document.querySelector('h1').innerText.includes(t)",
                arg=spec.title,
                timeout=120_000,
            )
            await page.wait_for_selector(READY, timeout=120_000)
            latencies.append(time.monotonic() - start)
            if await page.get_by_test_id("stException").count():
                errors.append(f"session {index}: exception on {spec.title}")
    await context.close()
    return {"latencies": latencies, "errors": errors}


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else (values[0] if values else float("nan"))


def _report(alone: dict, loaded: dict, args: argparse.Namespace, job_rc: int, overlapped: bool) -> None:
    lat = sorted(loaded["latencies"])
    print(f"pages: {', '.join(p.title for p in PAGES)}")
    print(f"alone:  {len(alone['latencies'])} interactions, p95 {_p95(alone['latencies']):.2f} s")
    print(
        f"load:   {args.sessions} sessions x {args.rounds} rounds = {len(lat)} interactions, "
        f"p50 {statistics.median(lat):.2f} s, p95 {_p95(lat):.2f} s, max {lat[-1]:.2f} s, "
        f"errors {len(loaded['errors'])}"
    )
    print(f"ratio p95 load/alone: {_p95(lat) / _p95(alone['latencies']):.2f}")
    print(f"model job `{args.job}` exit {job_rc}; still running when the clicks ended: {overlapped}")
    for error in loaded["errors"][:10]:
        print("  ", error)


def _cli(db: Path, *args: str, check: bool = False) -> None:
    subprocess.run(
        [sys.executable, "-m", "analytics", "--db", str(db), *args], cwd=ROOT, check=check, stdout=subprocess.DEVNULL
    )


if __name__ == "__main__":
    sys.exit(main())
