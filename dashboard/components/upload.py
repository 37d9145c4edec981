"""The Data page's upload flow (admins): save the file, preview its mapping and checks, import as a job.

The file is saved under ``<db dir>/uploads/<content hash>/``; the preview runs the importer's own
checks on a scratch in-memory warehouse (analytics.ingest.preview_file); the import itself runs
``python -m analytics import`` as a job, so its progress shows here and in the sidebar and the
page switches to the new snapshot when it is published.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.core import jobs as job_runner
from analytics.ingest import Limits, Preview, describe, preview_file
from analytics.trust.access import Actor, require
from dashboard.components import data, jobs, trust
from dashboard.components.context import settings

DETECT = "detect"
FORMAT_LABELS = {
    DETECT: "Detect from the file",
    "rees46": "REES46 / Open CDP events",
    "taobao": "Taobao UserBehavior",
    "olist": "Olist (all files of the folder)",
    "online_retail": "UCI Online Retail",
    "amazon_reviews": "Amazon reviews (JSON lines)",
    "product_qa": "Product Q&A and evidence (ePQA / hetPQA CSV)",
    "sends": "Campaign send log (user_id, campaign, variant, sent_at)",
    "csv": "Other CSV, with a column mapping",
}
FILE_TYPES = ["csv", "gz", "jsonl", "json"]
JOB_KEY = "upload_job_id"
FREE_TEXT = ("title", "text", "query")
SAMPLE_ORDER = ("events", "reviews", "orders", "products", "users", "review_orders")


@dataclass(frozen=True)
class Saved:
    """An upload on disk: one file, or a folder for a set of files (Olist)."""

    path: Path
    mapping: Path | None


def import_panel(who: Actor) -> None:
    """Upload, check and import a file; shows nothing to roles without the import permission."""
    if not who.can("import_data"):
        return
    with st.expander("Import your own data", expanded=data.snapshot() is None or JOB_KEY in st.session_state):
        st.caption(
            "Exports of REES46, Taobao, Olist (select all of its files), UCI Online Retail, Amazon reviews, "
            "or any CSV with a column mapping (docs/IMPORTING.md). Nothing is written until the checks pass; "
            "the same file twice changes nothing. Larger files: `python -m analytics import PATH`."
        )
        files = st.file_uploader("Files", type=FILE_TYPES, accept_multiple_files=True, key="upload_files")
        fmt = st.selectbox("Format", list(FORMAT_LABELS), format_func=FORMAT_LABELS.get, key="upload_format")
        mapping = None
        if fmt == "csv":
            mapping = st.file_uploader("Column mapping (TOML or JSON)", type=["toml", "json"], key="upload_mapping")
        if files:
            saved = save_upload(who, files, mapping)
            preview = _preview(str(saved.path), None if fmt == DETECT else fmt, _str(saved.mapping))
            _show_preview(preview)
            _import_button(who, saved, preview, fmt)
        if JOB_KEY in st.session_state:
            _job_progress(st.session_state[JOB_KEY])


def save_upload(who: Actor, files: list, mapping) -> Saved:
    """Write the uploaded files under ``<db dir>/uploads/<hash of their content>/`` (once per content)."""
    require(who, "import_data")
    contents = [(safe_name(f.name), f.getvalue()) for f in files]
    digest = hashlib.sha256()
    for name, content in sorted(contents):
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    folder = settings().db_path.parent / "uploads" / digest.hexdigest()[:16]
    for name, content in contents:
        _write_once(folder / name, content)
    saved_mapping = None
    if mapping is not None:
        saved_mapping = folder / "mapping" / safe_name(mapping.name)
        _write_once(saved_mapping, mapping.getvalue())
    return Saved(folder if len(contents) > 1 else folder / contents[0][0], saved_mapping)


def safe_name(name: str) -> str:
    """A file name that stays inside the upload folder: no directories, only plain characters."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name).lstrip(".")
    return cleaned or "upload"


def _write_once(path: Path, content: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(content):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(content)
    tmp.replace(path)


@st.cache_data(max_entries=20, show_spinner="Checking the file…")
def _preview(path: str, fmt: str | None, mapping: str | None) -> Preview:
    # The preview must refuse what the import job would refuse, so it checks with the same limits.
    return preview_file(path, fmt, mapping, limits=Limits.from_settings(settings()))


def _show_preview(preview: Preview) -> None:
    how = "detected from the content" if preview.detected else "as chosen"
    st.write(f"Format: **{FORMAT_LABELS.get(preview.format or '', 'unknown')}** ({how}).")
    if not preview.columns.empty:
        st.caption("How the file's columns map onto the warehouse.")
        trust.show_table(preview.columns, key="upload_columns", mask=[])  # column names, no personal data
    if not preview.ok:
        st.error("The file cannot be imported; nothing was written. Fix the problem below and upload it again.")
        st.code(preview.error, language=None, wrap_lines=True)
        return
    counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in preview.counts.items() if n)
    st.success(f"Checks passed: {preview.rows_read:,} rows read; the import would add up to {counts}.")
    notes = _notes_table(preview.notes)
    if not notes.empty:
        st.caption("What the import does on purpose (docs/IMPORTING.md).")
        trust.show_table(notes, key="upload_notes", mask=[])
    samples = sorted(preview.samples.items(), key=lambda item: SAMPLE_ORDER.index(item[0]))
    if samples:
        st.caption("The first rows as they would be stored.")
        tabs = st.tabs([table.replace("_", " ").capitalize() for table, _ in samples])
        for tab, (table, sample) in zip(tabs, samples, strict=True):
            with tab:
                # Free text is masked; ids and codes are not (digit runs in them are not phone numbers).
                trust.show_table(sample, key=f"upload_sample_{table}", mask=[c for c in FREE_TEXT if c in sample])


def _notes_table(notes: dict) -> pd.DataFrame:
    rows = [(name.replace("_", " "), value) for name, value in notes.items() if name != "detected_format"]
    return pd.DataFrame([(n, str(v)) for n, v in rows], columns=["what", "value"])


def _import_button(who: Actor, saved: Saved, preview: Preview, fmt: str) -> None:
    if not preview.ok:
        return
    earlier = data.query("import_by_sha256", {"file_sha256": preview.file_sha256}) if data.snapshot() else None
    if earlier is not None and not earlier.empty:
        first = earlier.iloc[0]
        st.info(
            f"This file was already imported (import {first.import_id}, {first.imported_at:%Y-%m-%d %H:%M} UTC "
            f"by {first.actor}); importing it again changes nothing."
        )
        return
    if st.button("Import", key="upload_import", type="primary"):
        argv = ["import", str(saved.path), "--format", preview.format]
        argv += ["--mapping", str(saved.mapping)] if saved.mapping else []
        params = {"path": str(saved.path), "format": preview.format, "mapping": _str(saved.mapping)}
        st.session_state[JOB_KEY] = jobs.start_job(who, "import_data", "import", argv, params)
        st.rerun()


@st.fragment(run_every=2)
def _job_progress(job_id: int) -> None:
    job = job_runner.get_job(settings(), job_id)
    if job is None:
        return
    if job["status"] in job_runner.ACTIVE:
        total = job["progress_total"] or 100
        st.progress(min(1.0, job["progress_done"] / total), text=f"Import job {job_id}: {job['message']}"[:100])
    elif job["status"] == "done":
        st.success(f"Import job {job_id}: {describe(json.loads(job['summary']))}.")
    else:
        st.error(f"Import job {job_id} {job['status']}; nothing was written.")
        st.code(job["message"].removeprefix("IngestError: "), language=None, wrap_lines=True)


def _str(path: Path | None) -> str | None:
    return str(path) if path is not None else None
