"""Bench baseline analytics in polars (see bench/bench_conversion.py).

The bench's three analytics (funnel, kpis, rfm) from raw events, with the marts' definitions
restricted to what each analytic needs: a session is (user_id, session_id) of view/cart/purchase
events with a user and a product, dated by its first such event; a funnel pair is (session,
product); an order is an order_id, dated by its first purchase, worth its purchases minus the
refunds with the same order_id and product. Each function takes the Parquet path and the window
(``start``, ``end`` exclusive, ``prev_start``) and returns plain values, so engines can be compared.
One module per engine so that a process imports only the engine it measures.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

STEP_TYPES = ["view", "cart", "purchase"]


def _pl_steps(path: str) -> pl.LazyFrame:
    return (
        pl.scan_parquet(path)
        .select("user_id", "session_id", "product_id", "event_type", "event_time")
        .filter(
            pl.col("event_type").is_in(STEP_TYPES)
            & pl.col("user_id").is_not_null()
            & pl.col("product_id").is_not_null()
            & pl.col("session_id").is_not_null()
        )
        .with_columns(pl.col("event_time").min().over("user_id", "session_id").alias("session_start"))
    )


def funnel(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    pair = ["user_id", "session_id", "product_id"]
    current = _pl_steps(path).filter(_pl_between("session_start", start, end)).collect()
    views = current.filter(pl.col("event_type") == "view").group_by(pair).agg(pl.col("event_time").min().alias("v"))
    carts = (
        views.join(current.filter(pl.col("event_type") == "cart"), on=pair)
        .filter(pl.col("event_time") >= pl.col("v"))
        .group_by(pair)
        .agg(pl.col("event_time").min().alias("c"))
    )
    bought = (
        carts.join(current.filter(pl.col("event_type") == "purchase"), on=pair)
        .filter(pl.col("event_time") >= pl.col("c"))
        .select(pair)
        .unique()
    )
    steps = [views, carts, bought]
    return {
        "users": [f["user_id"].n_unique() for f in steps],
        "sessions": [f.select("user_id", "session_id").n_unique() for f in steps],
        "products": [f.height for f in steps],
    }


def kpis(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    sessions = (
        _pl_steps(path)
        .filter(_pl_between("session_start", prev_start, end))
        .with_columns(
            pl.when(pl.col("session_start") >= _ts(start))
            .then(pl.lit("current"))
            .otherwise(pl.lit("previous"))
            .alias("period")
        )
        .group_by("period", "user_id", "session_id")
        .agg((pl.col("event_type") == "purchase").any().alias("bought"))
    )
    traffic = (
        sessions.group_by("period")
        .agg(
            pl.col("user_id").n_unique().alias("visitors"),
            pl.len().alias("sessions"),
            pl.col("user_id").filter(pl.col("bought")).n_unique().alias("purchasers"),
            pl.col("bought").sum().alias("purchasing_sessions"),
        )
        .collect()
    )
    by_period = {r[0]: list(r[1:]) for r in traffic.iter_rows()}
    orders = _pl_orders(path).filter(_pl_between("ordered_at", start, end))
    sales = orders.group_by("currency").agg(pl.len(), pl.col("value").sum()).sort("currency").collect()
    return {
        "current": by_period.get("current"),
        "previous": by_period.get("previous"),
        "sales": {r[0]: [r[1], round(r[2], 2)] for r in sales.iter_rows()},
    }


def _pl_orders(path: str) -> pl.LazyFrame:
    events = pl.scan_parquet(path).filter(
        pl.col("event_type").is_in(["purchase", "refund"]) & pl.col("order_id").is_not_null()
    )
    amount = pl.col("price") * pl.col("quantity").fill_null(1)
    purchases = events.filter(pl.col("event_type") == "purchase")
    lines = purchases.group_by("order_id", "product_id").agg(
        pl.col("user_id").first(), pl.col("currency").first(), amount.sum().alias("gross")
    )
    refunds = (
        events.filter(pl.col("event_type") == "refund")
        .group_by("order_id", "product_id")
        .agg(amount.sum().alias("refunded"))
    )
    dated = purchases.group_by("order_id").agg(pl.col("event_time").min().alias("ordered_at"))
    return (
        lines.join(refunds, on=["order_id", "product_id"], how="left", nulls_equal=True)
        .with_columns((pl.col("gross") - pl.col("refunded").fill_null(0)).alias("value"))
        .group_by("order_id")
        .agg(pl.col("user_id").first(), pl.col("currency").first(), pl.col("value").sum())
        .join(dated, on="order_id")
    )


def rfm(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    as_of = pl.lit(end).cast(pl.Date) - pl.duration(days=1)
    per_user = (
        _pl_orders(path)
        .filter((pl.col("currency") == "USD") & pl.col("user_id").is_not_null() & (pl.col("ordered_at") < _ts(end)))
        .group_by("user_id")
        .agg(
            (as_of - pl.col("ordered_at").max().dt.date()).dt.total_days().alias("recency"),
            pl.len().alias("frequency"),
            pl.col("value").sum().round(2).alias("monetary"),
        )
        .collect()
    )
    n = per_user.height
    scores = [_pl_score(per_user[c], n, descending=(c == "recency")) for c in ("recency", "frequency", "monetary")]
    return {
        "customers": n,
        "score_sums": [int(s.sum()) for s in scores],
        "revenue": round(float(per_user["monetary"].sum()), 2),
    }


def _pl_score(values: pl.Series, n: int, descending: bool) -> pl.Series:
    ranks = values.rank(method="min", descending=descending)
    return ((5 * (ranks - 1) / max(n - 1, 1)).floor() + 1).clip(upper_bound=5)


def _pl_between(column: str, start: date, end: date) -> pl.Expr:
    return (pl.col(column) >= _ts(start)) & (pl.col(column) < _ts(end))


def _ts(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
