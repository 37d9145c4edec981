"""Bench baseline analytics in pandas (see bench/bench_conversion.py).

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

import numpy as np
import pandas as pd

STEP_TYPES = ["view", "cart", "purchase"]


def _pd_steps(path: str) -> pd.DataFrame:
    df = pd.read_parquet(path, columns=["user_id", "session_id", "product_id", "event_type", "event_time"])
    df = df[
        df["event_type"].isin(STEP_TYPES) & df["user_id"].notna() & df["product_id"].notna() & df["session_id"].notna()
    ]
    df = df.assign(session_start=df.groupby(["user_id", "session_id"])["event_time"].transform("min"))
    return df


def funnel(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    pair = ["user_id", "session_id", "product_id"]
    df = _pd_steps(path)
    current = df[(df["session_start"] >= _ts(start)) & (df["session_start"] < _ts(end))]
    views = current[current["event_type"] == "view"].groupby(pair, as_index=False)["event_time"].min()
    carts = views.merge(current[current["event_type"] == "cart"], on=pair, suffixes=("_v", ""))
    carts = carts[carts["event_time"] >= carts["event_time_v"]].groupby(pair, as_index=False)["event_time"].min()
    bought = carts.merge(current[current["event_type"] == "purchase"], on=pair, suffixes=("_c", ""))
    bought = bought.loc[bought["event_time"] >= bought["event_time_c"], pair].drop_duplicates()
    steps = [views, carts, bought]
    return {
        "users": [int(f["user_id"].nunique()) for f in steps],
        "sessions": [len(f[["user_id", "session_id"]].drop_duplicates()) for f in steps],
        "products": [len(f) for f in steps],
    }


def kpis(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    df = _pd_steps(path)
    df = df[(df["session_start"] >= _ts(prev_start)) & (df["session_start"] < _ts(end))]
    df = df.assign(
        period=np.where(df["session_start"] >= _ts(start), "current", "previous"), bought=df["event_type"] == "purchase"
    )
    sessions = df.groupby(["period", "user_id", "session_id"], as_index=False)["bought"].any()
    by_period = {}
    for period, rows in sessions.groupby("period"):
        by_period[period] = [
            int(rows["user_id"].nunique()),
            len(rows),
            int(rows.loc[rows["bought"], "user_id"].nunique()),
            int(rows["bought"].sum()),
        ]
    orders = _pd_orders(path)
    orders = orders[(orders["ordered_at"] >= _ts(start)) & (orders["ordered_at"] < _ts(end))]
    sales = orders.groupby("currency")["value"].agg(["size", "sum"]).sort_index()
    return {
        "current": by_period.get("current"),
        "previous": by_period.get("previous"),
        "sales": {c: [int(r["size"]), round(float(r["sum"]), 2)] for c, r in sales.iterrows()},
    }


def _pd_orders(path: str) -> pd.DataFrame:
    cols = ["event_type", "order_id", "product_id", "user_id", "currency", "price", "quantity", "event_time"]
    ev = pd.read_parquet(path, columns=cols)
    ev = ev[ev["event_type"].isin(["purchase", "refund"]) & ev["order_id"].notna()]
    ev = ev.assign(amount=ev["price"] * ev["quantity"].fillna(1))
    purchases = ev[ev["event_type"] == "purchase"]
    keys = ["order_id", "product_id"]
    lines = purchases.groupby(keys, as_index=False, dropna=False).agg(
        user_id=("user_id", "first"), currency=("currency", "first"), gross=("amount", "sum")
    )
    refunds = ev[ev["event_type"] == "refund"].groupby(keys, as_index=False, dropna=False)["amount"].sum()
    lines = lines.merge(refunds.rename(columns={"amount": "refunded"}), on=keys, how="left")
    lines["value"] = lines["gross"] - lines["refunded"].fillna(0)
    orders = lines.groupby("order_id", as_index=False).agg(
        user_id=("user_id", "first"), currency=("currency", "first"), value=("value", "sum")
    )
    dated = (
        purchases.groupby("order_id", as_index=False)["event_time"].min().rename(columns={"event_time": "ordered_at"})
    )
    return orders.merge(dated, on="order_id")


def rfm(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    orders = _pd_orders(path)
    orders = orders[(orders["currency"] == "USD") & orders["user_id"].notna() & (orders["ordered_at"] < _ts(end))]
    per_user = orders.groupby("user_id").agg(
        last=("ordered_at", "max"), frequency=("order_id", "size"), monetary=("value", "sum")
    )
    as_of = pd.Timestamp(end) - pd.Timedelta(days=1)
    per_user["recency"] = (as_of - per_user["last"].dt.normalize()).dt.days
    per_user["monetary"] = per_user["monetary"].round(2)
    n = len(per_user)
    sums = []
    for column, ascending in (("recency", False), ("frequency", True), ("monetary", True)):
        ranks = per_user[column].rank(method="min", ascending=ascending)
        sums.append(int(np.minimum(5, 1 + np.floor(5 * (ranks - 1) / max(n - 1, 1))).sum()))
    return {"customers": n, "score_sums": sums, "revenue": round(float(per_user["monetary"].sum()), 2)}


def _ts(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
