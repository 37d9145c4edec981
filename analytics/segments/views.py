"""What the Segments page reads: the latest complete run, its profiles, map and members, the
funnel per segment folded, and which segments may be shown on their own.

Figures are exact; ``display_labels`` and ``merge_small_segments`` apply the minimum group size
where the page shows or exports them (small segments become one "Other" group).
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.conversion.funnels import FunnelOptions
from analytics.core import metrics, queries

OTHER = "Other"


def latest_run(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The latest complete run: ``run_id, created_at, completed_at, k, seed, embedding_model``,
    ``params`` and ``metrics`` (parsed JSON), or None before the first complete run."""
    run = queries.one(con, "latest_segment_run")
    if not run:
        return None
    return {**run, "params": json.loads(run["params"] or "{}"), "metrics": json.loads(run["metrics"] or "{}")}


def run_profiles(con: duckdb.DuckDBPyConnection, run_id: int) -> pd.DataFrame:
    """One row per segment: ``segment_id, name, count_users, description``, ``traits`` (list of
    dicts) and the profile's figures as columns (``share_users, share_revenue, revenue_per_user,
    conversion_rate, orders_per_user, avg_order_value, clv, rfm_mix, top_categories, top_brands,
    avg_rating, avg_sentiment, complaints, representatives, currency, notes``)."""
    raw = queries.frame(con, "segment_run_profiles", {"run_id": run_id})
    figures = pd.DataFrame([json.loads(p) for p in raw["profile"]], index=raw.index)
    table = pd.concat([raw.drop(columns=["profile"]), figures], axis=1)
    table["traits"] = [json.loads(t) for t in raw["traits"]]
    return table


def display_labels(profiles: pd.DataFrame, min_group_size: int) -> dict[int, str]:
    """Segment id -> the label shown: its name, or ``OTHER`` below ``min_group_size`` users."""
    return {
        int(row.segment_id): (row.name if row.count_users >= min_group_size else OTHER)
        for row in profiles[["segment_id", "name", "count_users"]].itertuples()
    }


def other_size(profiles: pd.DataFrame, min_group_size: int) -> tuple[int, int]:
    """``(segments, users)`` folded into ``OTHER``."""
    small = profiles.loc[profiles["count_users"] < min_group_size, "count_users"]
    return len(small), int(small.sum())


def map_points(points: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """The map's users (``sql/segment_map_points.sql``) as ``x, y, segment`` (the display label)."""
    return pd.DataFrame(
        {
            "x": points["map_x"],
            "y": points["map_y"],
            "segment": points["segment_id"].map(labels).fillna(OTHER),
        }
    )


def members(con: duckdb.DuckDBPyConnection, run_id: int, segment_id: int) -> pd.DataFrame:
    """The users of one segment: ``user_id, marketing_consent, run_id, segment_id``."""
    return queries.frame(con, "segment_members", {"run_id": run_id, "segment_id": segment_id})


def comparison(profiles: pd.DataFrame, first: int, second: int) -> pd.DataFrame:
    """Two segments side by side: ``Measure`` and one column per segment name (plain values)."""
    rows = profiles.set_index("segment_id").loc[[first, second]]
    currency = rows["currency"].iloc[0] or ""
    measures = [
        ("Users", lambda r: f"{r.count_users:,}"),
        ("Share of users", lambda r: f"{r.share_users:.1%}"),
        (f"Share of revenue ({currency})".replace(" ()", ""), lambda r: f"{r.share_revenue:.1%}"),
        ("Revenue per user to date", lambda r: _money(r.revenue_per_user, currency)),
        ("Predicted CLV, next year", lambda r: _money(r.clv, currency)),
        ("Conversion rate (ordered at least once)", lambda r: f"{r.conversion_rate:.1%}"),
        ("Orders per user", lambda r: f"{r.orders_per_user:.2f}"),
        ("Average order value", lambda r: _money(r.avg_order_value, currency)),
        ("Average rating given", lambda r: "-" if _missing(r.avg_rating) else f"{r.avg_rating:.2f} stars"),
        (
            "Review sentiment (-1 to 1)",
            lambda r: "not scored" if _missing(r.avg_sentiment) else f"{r.avg_sentiment:+.2f}",
        ),
        ("Top categories", lambda r: ", ".join(t["value"] for t in r.top_categories) or "-"),
        ("Largest RFM tier", lambda r: max(r.rfm_mix, key=r.rfm_mix.get) if r.rfm_mix else "-"),
    ]
    table = {"Measure": [m for m, _ in measures]}
    for segment_id, row in rows.iterrows():
        name = row["name"] if row["name"] not in table else f"{row['name']} ({segment_id})"
        table[name] = [fmt(row) for _, fmt in measures]
    return pd.DataFrame(table)


def fold_segment_funnel(
    groups: pd.DataFrame, labels: dict[int, str], options: FunnelOptions | None = None
) -> pd.DataFrame:
    """The funnel per segment (``analytics.conversion.funnels.funnel_breakdown`` by ``segment``, whose
    groups are "id: name" of the latest complete run) with small segments folded into
    ``OTHER``: ``segment, users_view, users_cart, users_purchase, cart_conversion,
    purchase_conversion, overall_conversion``; largest first. Segments hold disjoint users, so
    the folded counts are exact sums."""
    options = options or FunnelOptions()
    ids = groups["segment"].astype(str).str.split(":", n=1).str[0]
    folded = [labels.get(int(i), OTHER) if i.isdigit() else s for i, s in zip(ids, groups["segment"], strict=True)]
    counts = ["users_view", "users_cart", "users_purchase"]
    merged = groups.assign(segment=folded).groupby("segment", as_index=False, sort=False)[counts].sum()
    before_purchase = "users_view" if options.cart_optional else "users_cart"
    merged["cart_conversion"] = metrics.ratio(merged["users_cart"], merged["users_view"])
    merged["purchase_conversion"] = metrics.ratio(merged["users_purchase"], merged[before_purchase])
    merged["overall_conversion"] = metrics.ratio(merged["users_purchase"], merged["users_view"])
    return merged.sort_values("users_view", ascending=False, kind="stable").reset_index(drop=True)


def k_evidence(run: dict[str, Any]) -> pd.DataFrame:
    """The evidence k was chosen from: ``k, silhouette, stability, chosen`` (empty when set by hand)."""
    candidates = pd.DataFrame(run["metrics"].get("candidates", []), columns=["k", "silhouette", "stability"])
    return candidates.assign(chosen=candidates["k"] == run["k"])


def _money(value: float | None, currency: str) -> str:
    return "-" if _missing(value) else f"{value:,.2f} {currency}".strip()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
