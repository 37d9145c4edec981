"""Real server, real browser: `streamlit run dashboard/app.py` on 127.0.0.1 and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# The app has finished its script run (every widget and table drawn).
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# A hang guard for the server to answer its health check, not a start-up target (that is
# bench/bench_startup.py's): on a busy shared runner imports alone can take tens of seconds.
SERVER_START_GUARD_S = 180
# Flags for a headless Chromium on a closed network (no background calls to Google's hosts).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, log_dir: Path, extra_env: dict[str, str] | None = None) -> Server:
    """Start the dashboard the way `make run` does, on a free port; fail with its output if it does not come up."""
    port = free_port()
    log = log_dir / f"streamlit-{port}.log"
    env = {**os.environ, "MA_DB_PATH": str(db_path), "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard/app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + SERVER_START_GUARD_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    pytest.fail(f"streamlit did not answer within {SERVER_START_GUARD_S} s:\n{server.output()}")


@contextmanager
def running_server(db_path: Path, log_dir: Path) -> Iterator[Server]:
    """A server on ``db_path`` for the length of the block (a module fixture's body)."""
    server = start_server(db_path, log_dir)
    try:
        yield server
    finally:
        stop_server(server)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def require_chromium() -> None:
    """Under CI a missing browser fails the run (the browser tests must not silently drop out);
    elsewhere the browser tests skip and say why."""
    if CHROMIUM.exists():
        return
    message = (
        f"browser tests need Debian's chromium at {CHROMIUM}; `make browser` installs it "
        "(root and apt-get needed), which was not possible on this machine"
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


def page_url(base: str, spec) -> str:
    """The URL of a listed page: the first page is the app's home, served at /."""
    from dashboard.components.frame import PAGES

    return base + "/" if spec == PAGES[0] else f"{base}/{spec.url_path}"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run has finished and the page content is drawn; fail on a 'Page not found'."""
    page.wait_for_selector(READY, timeout=timeout_ms)
    page.get_by_test_id("stMain").wait_for(timeout=timeout_ms)
    page.wait_for_timeout(300)  # let the last deltas paint
    assert page.get_by_text("Page not found").count() == 0, f"{page.url} is not a page of the app"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
