"""What a campaign did: conversion, orders, revenue and unsubscribes per arm, and lift with 95%
intervals against the holdout (docs/EXPERIMENTS.md).

Arms are compared *as drawn* (intent to treat): a user drawn to variant A counts in A whether or
not a send was recorded, and a holdout user who was sent anyway stays in the holdout (flagged in
the warnings). That keeps the comparison randomised; contamination only pulls the lift toward 0.

Every user is measured over the same outcome window, the plan's start day to its end day
(inclusive, UTC), and over the ``pre_days`` before the start for CUPED. Conversion = at least one
order in the window. The headline lift (``lift``) is treatment (all variants) minus holdout in
conversion rate, CUPED-adjusted with each user's orders in the pre-period when that covariate
varies (``lift.adjustment``), else Newcombe's interval on the raw rates. A result read before the
window ends carries ``window_complete: false`` and a warning.

Figures are exact here; the minimum group size is applied where they are shown (``shown``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.campaigns import lift
from analytics.campaigns.plans import HOLDOUT
from analytics.core import queries

PRE_PERIOD_DAYS = 91  # 13 weeks of each user's behaviour before the start: the CUPED covariate


class ResultsError(ValueError):
    """No results can be computed as asked (unknown campaign, ...); the message says why."""


@dataclass(frozen=True)
class Window:
    """The outcome window (``start`` to ``end``, inclusive days) and the pre-period before it."""

    start: date
    end: date
    pre_days: int

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def pre_start(self) -> date:
        return self.start - timedelta(days=self.pre_days)

    def params(self, campaign_id: int) -> dict[str, Any]:
        return {
            "campaign_id": campaign_id,
            "start": self.start,
            "end": self.end_exclusive,
            "pre_start": self.pre_start,
        }


def find_plan(con: duckdb.DuckDBPyConnection, campaign: int | str) -> dict[str, Any]:
    """A plan by id or name; ResultsError naming the known campaigns otherwise."""
    text = str(campaign).strip()
    by_id = int(text) if text.isdigit() else None
    plan = queries.one(con, "campaign_plan", {"campaign_id": by_id, "name": text})
    if not plan:
        known = queries.frame(con, "campaign_listing")
        listed = ", ".join(f"{r.campaign_id} ({r.name})" for r in known.head(10).itertuples()) or "none yet"
        raise ResultsError(f"--campaign {text}: there is no such campaign (campaigns: {listed})")
    return plan


def compute(
    con: duckdb.DuckDBPyConnection,
    campaign: int | str,
    *,
    pre_days: int = PRE_PERIOD_DAYS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The results of one campaign as plain values (the ``results --json`` object, exact figures)."""
    if pre_days < 1:
        raise ResultsError(f"--pre-days must be at least 1 (got {pre_days})")
    plan = find_plan(con, campaign)
    campaign_id = int(plan["campaign_id"])
    window = Window(plan["start_day"], plan["end_day"], pre_days)
    users = queries.frame(con, "campaign_user_outcomes", window.params(campaign_id))
    revenue = queries.frame(con, "campaign_user_revenue", window.params(campaign_id))
    variants = queries.frame(con, "campaign_variants_of", {"campaign_id": campaign_id})
    complete, data_through = _completeness(con, window, now or datetime.now(UTC).replace(tzinfo=None))
    users["converted"] = users["count_orders"] > 0
    per_currency = _revenue_by_currency(users, revenue)
    treated = (users["arm"] != HOLDOUT).to_numpy()
    holdout = (users["arm"] == HOLDOUT).to_numpy()
    result = {
        "campaign": campaign_id,
        "name": plan["name"],
        "channel": plan["channel"],
        "audience": plan["source_name"],
        "window": {"start": str(window.start), "end": str(window.end), "pre_period_start": str(window.pre_start)},
        "window_complete": complete,
        "data_through": str(data_through) if data_through else None,
        "holdout_share": plan["holdout_share"],
        "arms": _arms(users, per_currency, variants),
        "lift": {**conversion_lift(users, treated, holdout), "window_complete": complete},
        "revenue_per_user": [
            {"currency": currency, **mean_lift(values, treated, holdout)} for currency, values in per_currency.items()
        ],
        "variants": [_variant_lift(users, per_currency, label) for label in variants["variant"]],
        "sends": _sends(users),
    }
    result["cuped"] = {**result["lift"]["cuped"], "pre_days": pre_days}
    result["warnings"] = _warnings(result, window, data_through, pre_days)
    return result


def conversion_lift(users: pd.DataFrame, treated: np.ndarray, control: np.ndarray) -> dict[str, Any]:
    """Conversion lift of ``treated`` over ``control`` users: CUPED on orders in the pre-period
    when it varies (lift.cuped_proportion_difference), else Newcombe's interval on raw rates."""
    y = users["converted"].to_numpy(dtype=float)
    x = users["count_orders_pre"].to_numpy(dtype=float)
    if treated.sum() < 2 or control.sum() < 2:
        return {"metric": "conversion", "estimate": None, "low": None, "high": None, "adjustment": "none",
                "method": None, "unadjusted": None, "cuped": {"used": False}}  # fmt: skip
    raw = lift.newcombe_difference(int(y[treated].sum()), int(treated.sum()), int(y[control].sum()), int(control.sum()))
    fitted = lift.cuped_proportion_difference(y[treated], x[treated], y[control], x[control])
    used = fitted.fit.usable
    headline = fitted.adjusted if used else raw
    return {
        "metric": "conversion",
        "estimate": headline.estimate,
        "low": headline.low,
        "high": headline.high,
        "level": headline.level,
        "method": headline.method,
        "adjustment": "cuped" if used else "none",
        "unadjusted": raw.as_dict(),
        "cuped": {
            "used": used,
            "covariate": "orders in the pre-period (count per user)",
            "theta": fitted.fit.theta,
            "correlation": fitted.fit.correlation,
            "variance_reduction": lift.variance_reduction(fitted.adjusted, fitted.unadjusted) if used else 0.0,
            "unadjusted_width": fitted.unadjusted.width,
            "adjusted_width": fitted.adjusted.width,
        },
    }


def mean_lift(values: pd.DataFrame, treated: np.ndarray, control: np.ndarray) -> dict[str, Any]:
    """Lift in a per-user mean (``values``: ``y`` outcome and ``x`` pre-period covariate) with Welch's
    interval, CUPED-adjusted when the covariate varies."""
    y, x = values["y"].to_numpy(dtype=float), values["x"].to_numpy(dtype=float)
    if treated.sum() < 2 or control.sum() < 2:
        return {"estimate": None, "low": None, "high": None, "adjustment": "none", "cuped": {"used": False}}
    raw = lift.welch_difference(y[treated], y[control])
    adjusted = _cuped_welch(y, x, treated, control)
    headline = adjusted["interval"] if adjusted["used"] else raw
    return {
        "metric": "revenue_per_user",
        "estimate": headline.estimate,
        "low": headline.low,
        "high": headline.high,
        "level": headline.level,
        "method": headline.method,
        "adjustment": "cuped" if adjusted["used"] else "none",
        "unadjusted": raw.as_dict(),
        "cuped": {k: v for k, v in adjusted.items() if k != "interval"}
        | {"covariate": "net revenue in the pre-period (per user, same currency)"},
    }


def _cuped_welch(y: np.ndarray, x: np.ndarray, treated: np.ndarray, control: np.ndarray) -> dict[str, Any]:
    """CUPED with theta pooled over the two compared arms, Welch's interval, and the variance it
    removed (against Welch's interval on unadjusted outcomes)."""
    both = treated | control
    adjusted = lift.cuped(y[both], x[both])
    if not adjusted.usable:
        return {"used": False, "theta": 0.0, "correlation": 0.0, "variance_reduction": 0.0, "interval": None}
    values = np.full(len(y), np.nan)
    values[both] = adjusted.adjusted
    interval = lift.welch_difference(values[treated], values[control])
    plain = lift.welch_difference(y[treated], y[control])
    return {
        "used": True,
        "theta": adjusted.theta,
        "correlation": adjusted.correlation,
        "variance_reduction": lift.variance_reduction(interval, plain),
        "unadjusted_width": plain.width,
        "adjusted_width": interval.width,
        "interval": interval,
    }


def _revenue_by_currency(users: pd.DataFrame, revenue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per currency (most revenue first): ``y`` (window) and ``x`` (pre-period) revenue per user,
    aligned with ``users`` (0 for users without revenue in that currency)."""
    out = {}
    by_currency = dict(tuple(revenue.groupby("currency")))
    totals = revenue.groupby("currency")["revenue"].sum().sort_values(ascending=False)
    for currency in totals.index:
        rows = by_currency[currency].set_index("user_id")
        out[str(currency)] = pd.DataFrame(
            {
                "y": rows["revenue"].reindex(users["user_id"]).fillna(0.0).to_numpy(),
                "x": rows["revenue_pre"].reindex(users["user_id"]).fillna(0.0).to_numpy(),
            }
        )
    return out


def _arms(users: pd.DataFrame, per_currency: dict[str, pd.DataFrame], variants: pd.DataFrame) -> list[dict[str, Any]]:
    drafts = dict(zip(variants["variant"], variants["draft_id"], strict=True))
    arm_of = users["arm"].to_numpy(dtype=object)
    converted = users["converted"].to_numpy(dtype=bool)
    orders = users["count_orders"].to_numpy(dtype=np.int64)
    sent = users["sent_variant"].notna().to_numpy()
    unsubscribed = users["is_unsubscribed"].fillna(False).to_numpy(dtype=bool)
    revenue = {c: v["y"].to_numpy(dtype=float) for c, v in per_currency.items()}
    rows = []
    for arm in [*variants["variant"], HOLDOUT]:
        mask = arm_of == arm
        n = int(mask.sum())
        rows.append(
            {
                "arm": arm,
                "draft_id": _plain(drafts.get(arm)),
                "users": n,
                "conversions": int(converted[mask].sum()),
                "rate": float(converted[mask].mean()) if n else None,
                "orders": int(orders[mask].sum()),
                "orders_per_user": float(orders[mask].mean()) if n else None,
                "revenue_per_user": {c: float(v[mask].mean()) if n else None for c, v in revenue.items()},
                "sent": int(sent[mask].sum()),
                "unsubscribed": int(unsubscribed[mask].sum()),
            }
        )
    return rows


def _variant_lift(users: pd.DataFrame, per_currency: dict[str, pd.DataFrame], label: str) -> dict[str, Any]:
    arm_of = users["arm"].to_numpy(dtype=object)
    chosen, control = arm_of == label, arm_of == HOLDOUT
    return {
        "variant": label,
        "lift": conversion_lift(users, chosen, control),
        "revenue_per_user": [
            {"currency": c, **mean_lift(values, chosen, control)} for c, values in per_currency.items()
        ],
    }


def _sends(users: pd.DataFrame) -> dict[str, int]:
    sent = users["sent_variant"].notna()
    drawn_to_variant = users["arm"] != HOLDOUT
    return {
        "recorded": int(sent.sum()),
        "holdout_sent": int((sent & ~drawn_to_variant).sum()),
        "other_variant_sent": int((sent & drawn_to_variant & (users["sent_variant"] != users["arm"])).sum()),
        "drawn_not_sent": int((~sent & drawn_to_variant).sum()),
    }


def _completeness(con: duckdb.DuckDBPyConnection, window: Window, now: datetime) -> tuple[bool, date | None]:
    """Whether the window has ended (by the clock) and the data reaches its last day."""
    last_day = queries.one(con, "event_date_range").get("last_day")
    ended = now.date() >= window.end_exclusive
    return bool(ended and last_day is not None and last_day >= window.end), last_day


def _warnings(result: dict[str, Any], window: Window, data_through: date | None, pre_days: int) -> list[str]:
    notes = []
    if not result["window_complete"]:
        notes.append(
            f"the outcome window ({window.start} to {window.end}) is not complete: the data runs to "
            f"{data_through or 'no events'}. These are partial figures (window_complete: false), and the 95% "
            "intervals are fixed-horizon, not sequentially valid, so reading them early overstates their "
            f"certainty; read the results after {window.end} once the data covers it"
        )
    sends = result["sends"]
    if sends["recorded"] == 0:
        notes.append("no send log has been imported for this campaign: arms are compared as drawn (intent to treat)")
    if sends["holdout_sent"]:
        notes.append(
            f"{sends['holdout_sent']:,} holdout users were sent the campaign; they stay in the holdout (arms as "
            "drawn), which pulls the measured lift toward zero"
        )
    if sends["other_variant_sent"]:
        notes.append(f"{sends['other_variant_sent']:,} users were sent another variant than the one drawn for them")
    if sends["recorded"] and sends["drawn_not_sent"]:
        notes.append(
            f"{sends['drawn_not_sent']:,} users drawn to a variant have no recorded send: lift is that of being "
            "planned for the campaign (intent to treat)"
        )
    if not result["lift"]["cuped"].get("used"):
        notes.append(f"no variation in orders over the {pre_days} days before the start: CUPED not applied")
    return notes


def shown(result: dict[str, Any], min_group_size: int) -> dict[str, Any]:
    """The result as it may be shown: arms below ``min_group_size`` users keep only their name and
    are flagged ``hidden``; lifts that involve such an arm are withheld, with a warning."""
    small = {a["arm"] for a in result["arms"] if a["users"] < min_group_size}
    if not small:
        return result
    out = dict(result)
    out["arms"] = [{"arm": a["arm"], "hidden": True, "users": None} if a["arm"] in small else a for a in result["arms"]]
    withheld = {"estimate": None, "low": None, "high": None, "withheld": True}
    if HOLDOUT in small or len(small) == len(result["arms"]) - 1:
        out["lift"] = {"metric": "conversion", **withheld}
        out["revenue_per_user"] = [{"currency": r["currency"], **withheld} for r in result["revenue_per_user"]]
        out["cuped"] = {"used": False, "withheld": True}
    hidden_lift = {"metric": "conversion", **withheld}
    out["variants"] = [
        {"variant": v["variant"], "lift": hidden_lift} if {v["variant"], HOLDOUT} & small else v
        for v in result["variants"]
    ]
    out["warnings"] = [
        *result["warnings"],
        f"arms with fewer than {min_group_size} users are not shown (min_group_size): {', '.join(sorted(small))}",
    ]
    return out


def _plain(value: Any) -> Any:
    """JSON-safe scalars: numpy numbers to Python, NaN and pandas NA to None."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
