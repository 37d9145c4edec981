"""Job status in the UI: the sidebar panel, the job table, starting a job from a page, and the
demo shop's review scoring on first launch."""

from __future__ import annotations

import fcntl
from typing import Any

import pandas as pd
import streamlit as st

from analytics.core import appstate, jobs
from analytics.demo.build import import_name
from analytics.trust.access import Actor, require
from dashboard.components import data
from dashboard.components.context import actor, settings
from models.settings import Settings

# On first launch the embedded demo shop's reviews are scored in the background, so the Reviews
# page has content without anyone running a command. All 990 reviews of the 200k-event demo take
# about 1 CPU-second each with the packaged LM and aspects (minutes on a laptop), so a first part
# is published on its own: the first 160 reviews hold the 20+ reviewers the page's default 28-day
# window needs before it shows figures. Measurements: docs/DEMO_DATA.md, "First launch".
FIRST_LAUNCH_ACTOR = "first launch"
FIRST_LAUNCH_REVIEWS = 160
FIRST_LAUNCH_COMMIT = 32  # reviews per committed batch, so the progress bar moves every few seconds
FIRST_LAUNCH_ARGV = [
    "sentiment",
    "--publish-first",
    str(FIRST_LAUNCH_REVIEWS),
    "--commit-reviews",
    str(FIRST_LAUNCH_COMMIT),
]

STATUS_ICONS = {
    "queued": "⏳",
    "waiting": "⏳",
    "running": "⚙️",
    "done": "✅",
    "failed": "❌",
    "cancelled": "⏹️",
    "crashed": "💥",
}


def start_job(who: Actor, action: str, kind: str, argv: list[str], params: dict[str, Any]) -> int:
    """Check the role on the server, audit, and launch the job as its own process."""
    return _launch(settings(), who, action, kind, argv, params)


def _launch(s: Settings, who: Actor, action: str, kind: str, argv: list[str], params: dict[str, Any]) -> int:
    require(who, action)
    job_id = jobs.launch_job(s, kind, argv, params, who.name)
    appstate.record_audit(s, who.name, who.role.name.lower(), kind, f"job {job_id}", **params)
    return job_id


def sidebar_status() -> None:
    """Active jobs with progress; refreshes itself while any job is active."""
    with st.sidebar:
        _job_panel()


# Every open tab reruns this; 5 s keeps progress current while 20 idle tabs cost the server
# and the browsers little (bench/RESULTS.md, "Load").
@st.fragment(run_every=5)
def _job_panel() -> None:
    active = [j for j in jobs.list_jobs(settings(), limit=10) if j["status"] in jobs.ACTIVE]
    _rerun_when_published()
    if not active:
        return
    st.caption("Jobs")
    for job in active:
        total = job["progress_total"] or 0
        share = min(1.0, job["progress_done"] / total) if total else 0.0
        st.progress(share, text=f"{STATUS_ICONS[job['status']]} {job['kind']} #{job['job_id']}: {job['message']}"[:80])
        if actor().can("cancel_job") and not job["cancel_requested"]:
            st.button("Cancel", key=f"cancel_job_{job['job_id']}", on_click=_cancel, args=(job["job_id"],))


def _cancel(job_id: int) -> None:
    who = actor()
    require(who, "cancel_job")
    jobs.request_cancel(settings(), job_id)
    appstate.record_audit(settings(), who.name, who.role.name.lower(), "cancel", f"job {job_id}")


def _rerun_when_published() -> None:
    # A finished job publishes a new snapshot: rerun the whole page so it shows the new data.
    snap = data.snapshot()
    seq = snap.seq if snap else 0
    seen = st.session_state.setdefault("seen_snapshot_seq", seq)
    if seq != seen:
        st.session_state["seen_snapshot_seq"] = seq
        st.rerun(scope="app")


def job_table(limit: int = 20) -> pd.DataFrame:
    rows = jobs.list_jobs(settings(), limit)
    table = pd.DataFrame(
        rows,
        columns=[
            "job_id",
            "kind",
            "status",
            "actor",
            "progress_done",
            "progress_total",
            "message",
            "created_at",
            "finished_at",
        ],
    )
    table["status"] = table["status"].map(lambda s: f"{STATUS_ICONS.get(s, '')} {s}")
    return table


def first_launch(page: st.Page) -> None:
    """In demo mode on the embedded demo shop: start scoring its reviews once, when none is scored
    yet, and show how far that got on the Reviews page."""
    s = settings()
    if not s.demo_mode or data.snapshot() is None or not is_embedded_demo(data.query("recent_imports"), s):
        return
    if _first_look_at_snapshot() and data.query("review_sentiment_models").empty:
        start_first_launch_scoring(s, actor())
    if page.url_path == "reviews" and _active_first_launch_jobs(s):
        _first_launch_progress()


def is_embedded_demo(imports: pd.DataFrame, s: Settings) -> bool:
    """Whether the warehouse holds only the demo shop the settings describe (demo_events, demo_seed).

    ``imports`` is the ``recent_imports`` query, newest first.
    """
    if imports.empty or (imports["source_format"] != "demo").any():
        return False
    return imports["file_name"].iloc[0] == import_name(s.demo_events, s.demo_seed)


def scoring_due(job_rows: list[dict[str, Any]]) -> bool:
    """No job is active and no sentiment job was started since the newest demo build (rows newest
    first), so a cancelled or failed first-launch scoring is not started again on every visit."""
    if any(row["status"] in jobs.ACTIVE for row in job_rows):
        return False
    for row in job_rows:
        if row["kind"] == "sentiment":
            return False
        if row["kind"] == "demo":
            return True
    return True


def start_first_launch_scoring(s: Settings, visitor: Actor) -> int | None:
    """Launch the first-launch scoring job, with the visitor's role, unless ``scoring_due`` says no;
    the job id, or None.

    Checked and launched under a file lock beside the warehouse, so sessions (or servers) that
    open the dashboard at the same moment start it once.
    """
    lock_path = s.db_path.parent / f"{s.db_path.stem}.jobs" / "first-launch.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not scoring_due(jobs.list_jobs(s, limit=50)):
            return None
        who = Actor(FIRST_LAUNCH_ACTOR, visitor.role)
        params = {"model": s.sentiment_model, "aspects": True, "publish_first": FIRST_LAUNCH_REVIEWS}
        return _launch(s, who, "run_model_job", "sentiment", FIRST_LAUNCH_ARGV, params)


def _first_look_at_snapshot() -> bool:
    # Each session checks a published snapshot once, not on every rerun of every page.
    seq = data.snapshot().seq
    if st.session_state.get("first_launch_checked_seq") == seq:
        return False
    st.session_state["first_launch_checked_seq"] = seq
    return True


def _active_first_launch_jobs(s: Settings) -> list[dict[str, Any]]:
    rows = jobs.list_jobs(s, limit=10)
    return [j for j in rows if j["actor"] == FIRST_LAUNCH_ACTOR and j["status"] in jobs.ACTIVE]


@st.fragment(run_every=3)
def _first_launch_progress() -> None:
    for job in _active_first_launch_jobs(settings())[:1]:
        total = job["progress_total"] or 0
        share = min(1.0, job["progress_done"] / total) if total else 0.0
        doing = job["message"] or "loading the language model"
        st.progress(share, text=f"Scoring the demo shop's reviews in the background (job #{job['job_id']}): {doing}")
        st.caption(
            f"Started on the first visit: the first {FIRST_LAUNCH_REVIEWS} reviews are published as soon as they "
            "are scored, then the rest; this page fills in by itself."
        )
