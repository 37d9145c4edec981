"""View -> cart -> purchase funnels, their breakdowns, and the users of a step as an audience.

Pure functions on a connection; they read the session-steps mart (analytics/core/marts.py), so every
option is a bound parameter of one query and answers at interactive speed.

Rules (``FunnelOptions``): by default the steps happen in order within one session on the same
product, each at or after the previous one. ``any_order`` drops the time order within the
session; ``across_sessions`` lets each step follow the previous one within ``window_days`` in any
later session of the same user (counted by users only); ``cart_optional`` lets a view followed
by a purchase convert without a cart; ``count_repeat_purchases`` adds the number of purchases
(every purchase, not only the first) to the purchase step.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from analytics.core import metrics, queries
from analytics.core.filters import Filters
from analytics.trust.access import Actor, require

STEPS = ("view", "cart", "purchase")
AUDIENCE_NAME_CHARS = 200  # shown in menus and exported file names; longer is a paste accident


class EmptyAudience(ValueError):
    """No user matches the audience's definition; nothing was saved."""


STEP_LABELS = {"view": "Viewed", "cart": "Added to cart", "purchase": "Purchased"}
# The one allow-list of breakdown columns (mart columns, plus segment of the latest complete run).
BREAKDOWNS = ("category", "brand", "price_band", "traffic_source", "device", "segment")
BREAKDOWN_LABELS = {
    "category": "Category",
    "brand": "Brand",
    "price_band": "Price band",
    "traffic_source": "Traffic source",
    "device": "Device",
    "segment": "Segment",
}
MAX_WINDOW_DAYS = 90


@dataclass(frozen=True)
class FunnelOptions:
    """How a funnel counts; the defaults are the strict in-session funnel."""

    across_sessions: bool = False
    window_days: int = 7
    any_order: bool = False
    cart_optional: bool = False
    count_repeat_purchases: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
            raise ValueError(f"funnel window_days must be between 1 and {MAX_WINDOW_DAYS} (got {self.window_days})")
        if self.across_sessions and self.any_order:
            raise ValueError(
                "funnel option any_order applies within a session; across sessions each step "
                "follows the previous one within the window"
            )

    def params(self) -> dict[str, Any]:
        """The options as the bound parameters of the funnel queries (the window in seconds)."""
        return {
            "across_sessions": self.across_sessions,
            "window_s": self.window_days * 86_400.0,
            "any_order": self.any_order,
            "cart_optional": self.cart_optional,
        }


def funnel(con: duckdb.DuckDBPyConnection, filters: Filters, options: FunnelOptions = FunnelOptions()) -> pd.DataFrame:
    """One row per step: ``step, label, users, sessions, products, purchases, from_step,
    users_step_conversion, users_drop_off, sessions_step_conversion, users_overall_conversion``.

    ``sessions`` and ``products`` ((session, product) pairs) are empty across sessions;
    ``purchases`` is set on the purchase step when repeat purchases are counted. ``from_step`` is
    the step a conversion is measured from (view for the purchase step when the cart is optional).
    """
    grain = None if options.across_sessions else filters.day_counts_grain()
    if grain is None:
        row = queries.frame(con, "funnel_steps", filters.params() | options.params()).iloc[0]
    else:
        params = filters.session_params() | _step_measures(options, grain)
        row = queries.frame(con, "funnel_steps_day_counts", params).iloc[0]
    records = []
    for step in STEPS:
        records.append(
            {
                "step": step,
                "label": STEP_LABELS[step],
                "users": _int(row, f"users_{step}"),
                "sessions": _int(row, f"sessions_{step}"),
                "products": _int(row, f"products_{step}"),
                "purchases": _int(row, "purchases") if step == "purchase" and options.count_repeat_purchases else None,
                "from_step": _from_step(step, options),
            }
        )
    return _conversions(pd.DataFrame.from_records(records))


def funnel_breakdown(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    options: FunnelOptions = FunnelOptions(),
    breakdown: tuple[str, ...] = ("category",),
) -> pd.DataFrame:
    """One row per group of the ``breakdown`` columns (one or more of BREAKDOWNS): the group
    columns, ``users_{view,cart,purchase}`` and the rates ``cart_conversion`` (cart / view users),
    ``purchase_conversion`` (purchase users / users of the step before) and ``overall_conversion``
    (purchase / view users). Largest groups first. Groups are counted by users only.
    """
    unknown = [b for b in breakdown if b not in BREAKDOWNS]
    if unknown or not breakdown:
        raise ValueError(
            f"funnel breakdown needs one or more of: {', '.join(BREAKDOWNS)} (got {', '.join(breakdown) or 'none'})"
        )
    grain = None if options.across_sessions else filters.day_counts_grain(breakdown)
    if grain is None:
        params = filters.params() | options.params() | {"breakdown": list(breakdown)}
        df = queries.frame(con, "funnel_breakdown", params)
    else:
        params = filters.session_params() | _step_measures(options, grain)
        df = queries.frame(con, "funnel_breakdown_day_counts", params)
    out = df[[*breakdown, *[c for c in df.columns if c not in BREAKDOWNS]]].copy()
    before_purchase = "users_view" if options.cart_optional else "users_cart"
    out["cart_conversion"] = metrics.ratio(out["users_cart"], out["users_view"])
    out["purchase_conversion"] = metrics.ratio(out["users_purchase"], out[before_purchase])
    out["overall_conversion"] = metrics.ratio(out["users_purchase"], out["users_view"])
    return out.reset_index(drop=True)


def segments_available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a complete segmentation run exists (then ``segment`` is a useful breakdown)."""
    return queries.one(con, "funnel_segment_run").get("run_id") is not None


def audience(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    options: FunnelOptions,
    step: str,
    not_step: str | None = None,
) -> pd.DataFrame:
    """Users who reached ``step`` and, if given, never reached the later ``not_step``:
    ``user_id, marketing_consent, country``. E.g. abandoned carts: ``step="cart", not_step="purchase"``."""
    check_steps(step, not_step)
    params = filters.params() | options.params() | {"step": step, "not_step": not_step}
    return queries.frame(con, "funnel_audience", params)


def save_audience(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    name: str,
    filters: Filters,
    options: FunnelOptions,
    step: str,
    not_step: str | None = None,
) -> dict[str, Any]:
    """Store the audience's users under ``name`` (tables audiences, audience_users); the caller
    holds the transaction (a job batch). Returns ``{"audience_id", "count_users"}``.

    Raises ValueError for a blank or overlong name and EmptyAudience when no user matches: an
    empty audience would only fail later, in the campaign tool that receives it."""
    require(actor, "save_audience")
    name = check_audience_name(name)
    users = audience(con, filters, options, step, not_step)
    if users.empty:
        raise EmptyAudience(_nobody(filters, step, not_step))
    audience_id = queries.one(con, "next_audience_id")["audience_id"]
    definition = {"filters": asdict(filters), "options": asdict(options), "step": step, "not_step": not_step}
    con.execute(
        queries.sql("store_audience"),
        {
            "audience_id": audience_id,
            "name": name,
            "created_at": datetime.now(UTC).replace(microsecond=0, tzinfo=None),
            "created_by": actor.name,
            "definition": json.dumps(definition, default=str),
            "count_users": len(users),
        },
    )
    con.register("audience_batch", users[["user_id"]])
    try:
        con.execute(queries.sql("store_audience_users"), {"audience_id": audience_id})
    finally:
        con.unregister("audience_batch")
    return {"audience_id": int(audience_id), "count_users": len(users)}


def check_audience_name(name: str) -> str:
    """The name as stored (trimmed); ValueError when it is blank or longer than AUDIENCE_NAME_CHARS."""
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= AUDIENCE_NAME_CHARS:
        found = "a blank name" if not trimmed else f"{len(trimmed):,} characters"
        raise ValueError(f"expected an audience name of 1 to {AUDIENCE_NAME_CHARS} characters, found {found}")
    return trimmed


def _nobody(filters: Filters, step: str, not_step: str | None) -> str:
    without = f" (without {not_step})" if not_step else ""
    return (
        f"no users reached {step} between {filters.start} and {filters.end}{without} with these filters; "
        "an empty audience is not saved"
    )


def check_steps(step: str, not_step: str | None) -> None:
    """Raise ValueError unless ``step`` is a step and ``not_step`` (if given) comes after it."""
    if step not in STEPS:
        raise ValueError(f"unknown funnel step '{step}'; valid steps: {', '.join(STEPS)}")
    later = STEPS[STEPS.index(step) + 1 :]
    if not_step is not None and not_step not in later:
        valid = f"one of {', '.join(later)}" if later else "none: it is the last step"
        raise ValueError(f"the excluded step must come after '{step}' ({valid}); got '{not_step}'")


def _step_measures(options: FunnelOptions, grain: str) -> dict[str, str]:
    """The parameters of the roll-up funnel queries: the grain and the measures (step variants of
    analytics/core/sql/mart_day_counts.sql) that the in-session options count."""
    order = "any_" if options.any_order else ""
    purchase = "view_purchase" if options.cart_optional else "view_cart_purchase"
    return {"day_counts_grain": grain, "cart_step": f"{order}view_cart", "purchase_step": f"{order}{purchase}"}


def _from_step(step: str, options: FunnelOptions) -> str | None:
    if step == "view":
        return None
    if step == "purchase" and options.cart_optional:
        return "view"
    return STEPS[STEPS.index(step) - 1]


def _conversions(out: pd.DataFrame) -> pd.DataFrame:
    by_step = out.set_index("step")
    previous_users = out["from_step"].map(by_step["users"])
    previous_sessions = out["from_step"].map(by_step["sessions"])
    out["users_step_conversion"] = metrics.ratio(out["users"], previous_users)
    out["users_drop_off"] = previous_users - out["users"]
    out["sessions_step_conversion"] = metrics.ratio(out["sessions"], previous_sessions)
    out["users_overall_conversion"] = metrics.ratio(
        out["users"], pd.Series(by_step.loc["view", "users"], index=out.index)
    )
    return out


def _int(row: pd.Series, column: str) -> int | None:
    if column not in row or pd.isna(row[column]):
        return None
    return int(row[column])
