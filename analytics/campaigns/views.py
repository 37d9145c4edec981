"""What the Campaigns view of the Campaign studio reads: the plans with their status, the balance
of a stored plan, the saved audiences a plan may target, and a draw previewed before it is stored.

Everything here reads a published snapshot and writes nothing: a plan is stored by the ``plan``
job (analytics.commands.plan), which draws with the same seed, so the preview is the plan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from analytics.campaigns import plans
from analytics.core import queries

PLANNED, SENDING, WINDOW_OPEN, RESULTS_READY = "planned", "sending", "window open", "results ready"
STATUSES = (PLANNED, SENDING, WINDOW_OPEN, RESULTS_READY)


def status(start: date, end: date, sends: int, data_through: date | None, today: date) -> str:
    """Where a plan stands: ``results ready`` once its window has ended on the clock and the data
    covers its last day; ``window open`` from its first day until then; before it, ``sending``
    when a send log has been imported and ``planned`` when none has."""
    if today > end and data_through is not None and data_through >= end:
        return RESULTS_READY
    if today >= start or (data_through is not None and data_through >= start):
        return WINDOW_OPEN
    return SENDING if sends else PLANNED


def plan_listing(con: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    """Every plan, newest first: the ``campaign_listing`` columns plus ``status`` (see ``status``,
    as of ``today``, UTC) and ``data_through`` (the last day with events)."""
    listing = queries.frame(con, "campaign_listing")
    data_through = queries.one(con, "event_date_range").get("last_day")
    listing["data_through"] = data_through
    listing["status"] = [
        status(_day(r.start_day), _day(r.end_day), int(r.count_sends), data_through, today)
        for r in listing.itertuples()
    ]
    return listing


def stored_balance(con: duckdb.DuckDBPyConnection, campaign_id: int) -> pd.DataFrame:
    """The balance table of a stored plan (plans.balance on its assignments); empty when there is
    no such plan."""
    assignments = queries.frame(con, "campaign_assignment_strata", {"campaign_id": campaign_id})
    return plans.balance(assignments) if not assignments.empty else pd.DataFrame()


def saved_audiences(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``audience_id, name, created_at, count_users`` of every saved audience, newest first."""
    return queries.frame(con, "saved_audiences")


def preview(con: duckdb.DuckDBPyConnection, request: plans.PlanRequest) -> dict[str, Any]:
    """The draw the ``plan`` job would store for ``request`` (its seed must be set): ``source_name,
    arms`` (users per arm), ``excluded_no_consent`` and ``balance``. PlanError for a request the
    job would refuse, the name already taken included."""
    if request.seed is None:
        raise ValueError("a preview needs the seed the plan will be drawn with")
    plans.check_request(request)
    plans.check_name_free(con, request.name)
    drawn = plans.draw(con, request, request.seed)
    return {
        "source_name": drawn["source_name"],
        "arms": plans.arm_sizes(drawn["assignments"]),
        "excluded_no_consent": drawn["excluded"],
        "balance": plans.balance(drawn["assignments"]),
    }


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else pd.Timestamp(value).date()
