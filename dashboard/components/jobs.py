"""Job status in the UI: the sidebar panel, the job table, and starting a job from a page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.core import appstate, jobs
from analytics.trust.access import Actor, require
from dashboard.components import data
from dashboard.components.context import actor, settings

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
    require(who, action)
    job_id = jobs.launch_job(settings(), kind, argv, params, who.name)
    appstate.record_audit(settings(), who.name, who.role.name.lower(), kind, f"job {job_id}", **params)
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
