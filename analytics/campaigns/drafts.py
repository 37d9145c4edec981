"""Campaign drafts: saved, listed, edited and approved copy variants (table ``campaign_drafts``).

Every function that changes a draft takes the acting ``Actor`` and checks its role first, so a
viewer calling it directly is refused exactly as through the page. Saving, editing and approving
are audited. A draft is approved only while every one of its rule checks passes: an edit is
re-checked by the caller (analytics.campaigns.studio) and stored with its new checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.core import appstate
from analytics.trust.access import Actor, require
from models.settings import Settings

STATUSES = ("draft", "approved")


class DraftError(ValueError):
    """A draft cannot be changed as asked; the message says why."""


@dataclass(frozen=True)
class NewDraft:
    """One shown variant the planner keeps."""

    run_id: int
    segment_id: int
    segment_name: str
    channel: str
    brief: dict[str, Any]
    model: str
    variant: int
    text: str
    checks: dict[str, dict[str, Any]]


def save(settings: Settings, actor: Actor, draft: NewDraft) -> int:
    """Store a variant as a draft; returns its id."""
    require(actor, "draft_campaign")
    if not all_passed(draft.checks):
        raise DraftError("only a variant that passes every rule check can be saved")
    now = appstate.utc_now()
    with appstate.connect(settings) as con:
        cursor = con.execute(
            "insert into campaign_drafts (created_at, updated_at, author, run_id, segment_id, segment_name,"
            " channel, brief, model, variant, text, checks) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now,
                now,
                actor.name,
                draft.run_id,
                draft.segment_id,
                draft.segment_name,
                draft.channel,
                appstate.to_json(draft.brief),
                draft.model,
                draft.variant,
                draft.text,
                appstate.to_json(draft.checks),
            ),
        )
        draft_id = int(cursor.lastrowid)
    _audit(settings, actor, "save_draft", draft_id, channel=draft.channel, segment=draft.segment_id, run=draft.run_id)
    return draft_id


def update_text(settings: Settings, actor: Actor, draft_id: int, text: str, checks: dict[str, dict[str, Any]]) -> None:
    """Replace a draft's text (with its fresh checks); an approved draft goes back to draft."""
    require(actor, "draft_campaign")
    get(settings, draft_id)  # a clear error for an unknown id
    with appstate.connect(settings) as con:
        con.execute(
            "update campaign_drafts set text = ?, checks = ?, edited = 1, status = 'draft', approved_by = null,"
            " approved_at = null, updated_at = ? where draft_id = ?",
            (text, appstate.to_json(checks), appstate.utc_now(), draft_id),
        )
    _audit(settings, actor, "edit_draft", draft_id, passes=all_passed(checks))


def approve(settings: Settings, actor: Actor, draft_id: int) -> None:
    """Mark a draft approved; refused while any rule check fails."""
    require(actor, "approve_draft")
    draft = get(settings, draft_id)
    failed = [name for name, check in draft["checks"].items() if not check.get("passed")]
    if failed:
        raise DraftError(f"draft {draft_id} fails {', '.join(failed)}: fix the text before approving it")
    with appstate.connect(settings) as con:
        con.execute(
            "update campaign_drafts set status = 'approved', approved_by = ?, approved_at = ?, updated_at = ?"
            " where draft_id = ?",
            (actor.name, appstate.utc_now(), appstate.utc_now(), draft_id),
        )
    _audit(settings, actor, "approve_draft", draft_id)


def get(settings: Settings, draft_id: int) -> dict[str, Any]:
    with appstate.connect(settings) as con:
        row = con.execute("select * from campaign_drafts where draft_id = ?", (int(draft_id),)).fetchone()
    if row is None:
        raise DraftError(f"there is no draft {draft_id}")
    return _decoded(dict(row))


def listing(settings: Settings, *, status: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Drafts newest first, optionally of one status, as a table for the page and exports."""
    if status is not None and status not in STATUSES:
        raise DraftError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
    with appstate.connect(settings) as con:
        rows = con.execute(
            "select * from campaign_drafts where (? is null or status = ?) order by draft_id desc limit ?",
            (status, status, limit),
        ).fetchall()
    drafts = [_decoded(dict(r)) for r in rows]
    columns = ["draft_id", "status", "channel", "segment_name", "run_id", "text", "author", "updated_at"]
    return pd.DataFrame([{c: d[c] for c in columns} for d in drafts], columns=columns)


def all_passed(checks: dict[str, dict[str, Any]]) -> bool:
    return bool(checks) and all(check.get("passed") for check in checks.values())


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["brief"] = json.loads(row["brief"])
    row["checks"] = json.loads(row["checks"])
    return row


def _audit(settings: Settings, actor: Actor, action: str, draft_id: int, **details: Any) -> None:
    appstate.record_audit(settings, actor.name, actor.role.name.lower(), action, f"draft {draft_id}", **details)
