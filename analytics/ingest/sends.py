"""Campaign send logs: who was sent which variant of which campaign, and when (docs/EXPERIMENTS.md).

Columns ``user_id, campaign, variant, sent_at`` and optionally ``unsubscribed_at``. ``campaign``
is a plan's name or id (``python -m analytics campaigns``), ``variant`` its label (A, B, ...) or
the approved draft's id. Times are UTC, like ``2026-10-01 08:30:00`` (ISO ``T`` and a trailing
``Z`` are accepted).

Checked on their own (also in the preview): every value present and well-formed, one send per
user and campaign, no unsubscribe before its send. Checked against the warehouse when imported,
inside the import's transaction: the campaign, the user and the variant exist, the user is in
the plan, nothing was sent before the plan was made, and a user has no other send stored for
the campaign; any of these is an error naming the line and nothing is written. What is data, not
a mistake, is imported and labelled in the import's warnings: sends to holdout users, of another
variant than drawn, or after the window. A send identical to a stored one is skipped (noted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from analytics.core import queries
from analytics.ingest import validate as v
from analytics.ingest.formats import Format
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import Staging

NAMES = ("user_id", "campaign", "variant", "sent_at")
OPTIONAL = ("unsubscribed_at",)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M")
TIME_EXAMPLE = "2026-10-01 08:30:00"
COLUMNS = [
    ("user_id", "campaign_sends.user_id (a user of the plan)"),
    ("campaign", "campaign_sends.campaign_id (the plan's name or id)"),
    ("variant", "campaign_sends.variant (A, B, ... or the approved draft's id)"),
    ("sent_at", "campaign_sends.sent_at (UTC)"),
    ("unsubscribed_at", "campaign_sends.unsubscribed_at (optional, UTC)"),
]

# check name -> (column, what was expected); a file with any of these is refused.
FILE_ERRORS = {
    "duplicate_in_file": ("user_id", "each user once per campaign (one send each)"),
    "unsubscribed_before_sent": ("unsubscribed_at", "an unsubscribe at or after its send"),
}
STORED_ERRORS = {
    "unknown_campaign": ("campaign", "the name or id of a campaign plan (see `python -m analytics campaigns`)"),
    "unknown_user": ("user_id", "a user the warehouse knows"),
    "not_in_plan": ("user_id", "a user of the campaign's plan (users who declined marketing are in no arm)"),
    "unknown_variant": ("variant", "a variant of the campaign's plan (its label, A, B, ..., or the draft id)"),
    "before_plan": ("sent_at", "a send made after the campaign was planned (the holdout is drawn first)"),
    "already_sent": ("user_id", "one send per user and campaign (another send of this user is stored)"),
}
# check name -> the labelled warning; these rows are imported, because they are what happened.
WARNINGS = {
    "holdout_sent": "sends to holdout users (they stay in the holdout: results compare arms as drawn)",
    "other_variant": "sends of another variant than the one drawn for the user",
    "after_window": "sends after the campaign's outcome window ended",
}
SKIPPED = "already_stored"


def looks_like(header: set[str]) -> bool:
    """True for a CSV header with the send log's columns."""
    return set(NAMES) <= header


def checks(staging: Staging) -> list[v.Check]:
    """Value checks of the columns (tomorrow is the latest acceptable time)."""
    return [
        *(v.required(c) for c in NAMES),
        *(check for c in ("user_id", "campaign", "variant") for check in v.text(c, v.ID_CHARS)),
        v.timestamp("sent_at", TIME_FORMATS, TIME_EXAMPLE, staging.latest),
        v.timestamp("unsubscribed_at", TIME_FORMATS, TIME_EXAMPLE, staging.latest),
    ]


def stage(staging: Staging, sources: Sequence[SourceFile], mapping: Any = None) -> None:
    """Load and check the file, then type it into ``ingest_sends``; refuse duplicates in the file."""
    raw = staging.csv(sources[0], "raw_sends", required=NAMES, optional=OPTIONAL)
    staging.raise_problems(staging.check(raw, checks(staging)))
    staging.con.execute(queries.sql("stage_sends"), {"formats": list(TIME_FORMATS)})
    staging.con.execute(queries.sql("send_file_problems"))
    found = _problem_rows(staging.con, "ingest_send_file_problems")
    staging.raise_problems([_problem(staging, row, *FILE_ERRORS[row["check_name"]]) for row in found])
    staging.note("sends_in_file", raw.rows)


def write(staging: Staging, con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[dict[str, int], dict[str, Any]]:
    """Check the staged sends against the plans and append them (inside the import's transaction).
    Returns ``({"campaign_sends": rows appended}, notes)``; raises IngestError for any error row."""
    con.execute(queries.sql("resolve_sends"))
    con.execute(queries.sql("send_problems"))
    found = {row["check_name"]: row for row in _problem_rows(con, "ingest_send_problems")}
    errors = [_problem(staging, row, *STORED_ERRORS[name]) for name, row in found.items() if name in STORED_ERRORS]
    staging.raise_problems(errors)
    written = int(con.execute(queries.sql("write_campaign_sends"), {"import_id": import_id}).fetchone()[0])
    notes: dict[str, Any] = {}
    if SKIPPED in found:
        notes["sends_already_stored"] = int(found[SKIPPED]["count_rows"])
    warnings = [_warning(staging, row) for name, row in found.items() if name in WARNINGS]
    if warnings:
        notes["warnings"] = warnings
        notes |= {name: int(row["count_rows"]) for name, row in found.items() if name in WARNINGS}
    return {"campaign_sends": written}, notes


def _problem_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    # table is one of this module's literals (the temporary tables its statements create)
    cursor = con.execute(f"select * from {table} order by first_row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _problem(staging: Staging, row: dict[str, Any], column: str, expected: str) -> v.Problem:
    raw = staging.raw[-1]
    found = v.describe(row["found"])
    if row.get("other_row") is not None:
        found += f", already on line {raw.line_of(int(row['other_row'])):,}"
    return v.Problem(
        raw.source.name, expected, found, raw.line_of(int(row["first_row"])), column, int(row["count_rows"])
    )


def _warning(staging: Staging, row: dict[str, Any]) -> str:
    raw = staging.raw[-1]
    line = raw.line_of(int(row["first_row"]))
    return f"{int(row['count_rows']):,} {WARNINGS[row['check_name']]}; the first on line {line:,}: {row['found']}"


def columns(sources: Sequence[SourceFile], mapping: Any = None) -> list[tuple[str, str, str]]:
    """(file, source column, canonical column) rows for the preview's mapping table."""
    return [(sources[0].name, source, target) for source, target in COLUMNS]


FORMAT = Format(
    "sends",
    "Campaign send log CSV (user_id, campaign, variant, sent_at[, unsubscribed_at])",
    None,
    stage,
    columns,
    write=write,
    staged=(("campaign_sends", "ingest_sends"),),
)
