"""Tiny handmade shops for the segmentation tests, written into an in-memory warehouse."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

T0 = datetime(2024, 3, 1, 12, 0)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert tuples in the table's column order (one bulk insert through a DataFrame)."""
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    frame = pd.DataFrame(rows, columns=columns)
    con.register("rows_to_insert", frame)
    con.execute(f"insert into {table} select * from rows_to_insert")
    con.unregister("rows_to_insert")


def add_products(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """rows: (product_id, title, category, brand, price)."""
    con.executemany("insert into products values (?, ?, ?, ?, ?)", rows)


def add_events(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """rows: (minutes after T0, event_type, user_id, session_id, product_id, price[, order_id, source, device])."""
    full = []
    for row in rows:
        minutes, kind, user, session, product, price, *rest = row
        order, source, device = (list(rest) + [None, None, None])[:3]
        if kind == "purchase" and order is None:
            order = f"o-{session}"
        full.append(
            (
                T0 + timedelta(minutes=minutes),
                kind,
                user,
                session,
                product,
                1,
                price,
                "EUR",
                order,
                source,
                device,
                None,
            )
        )
    insert_rows(con, "events", full)


def add_reviews(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """rows: (review_id, user_id, product_id, rating, title, text)."""
    con.executemany(
        "insert into reviews values (?, ?, ?, null, ?, ?, ?, ?, 'en', null)",
        [(r, u, p, rating, title, text, T0) for r, u, p, rating, title, text in rows],
    )


def tiny_shop(con: duckdb.DuckDBPyConnection) -> None:
    """Three users: u1 buys shoes twice (one at a discount), u2 only browses phones, u3 carts a phone."""
    add_products(
        con,
        [
            ("p1", "Trail running shoe", "apparel.shoes", "acme", 100.0),
            ("p2", None, "electronics.smartphone", "phoney", 500.0),
            ("p3", "Cheap sandal", "apparel.shoes", "acme", 20.0),
        ],
    )
    add_events(
        con,
        [
            (0, "view", "u1", "s1", "p1", 100.0, None, "email", "mobile"),
            (1, "cart", "u1", "s1", "p1", 100.0, None, "email", "mobile"),
            (2, "purchase", "u1", "s1", "p1", 100.0, "o1", "email", "mobile"),
            (60 * 24, "view", "u1", "s2", "p3", 20.0, None, "search", "desktop"),
            (60 * 24 + 1, "purchase", "u1", "s2", "p3", 15.0, "o2", "search", "desktop"),
            (10, "view", "u2", "s3", "p2", 500.0, None, "search", "desktop"),
            (11, "view", "u2", "s3", "p2", 500.0, None, "search", "desktop"),
            (60 * 48, "view", "u3", "s4", "p2", 500.0, None, "ads", "mobile"),
            (60 * 48 + 1, "cart", "u3", "s4", "p2", 500.0, None, "ads", "mobile"),
            (60 * 48 + 2, "view", None, "s5", "p1", 100.0, None, "ads", "mobile"),
        ],
    )
    add_reviews(
        con,
        [
            ("r1", "u1", "p1", 5, "Great", "Fits well, very comfortable"),
            ("r2", "u1", "p3", 2, None, "Broke after a week"),
        ],
    )
    con.execute("insert into searches values ('u2', 's3', 'android phone', ?, null)", [T0])


TYPES = ("deal_hunter", "big_spender", "window_shopper")
CATEGORY = {"deal_hunter": "home.kitchen", "big_spender": "electronics.laptop", "window_shopper": "apparel.shoes"}
SEARCH = {"deal_hunter": "cheap pan sale", "big_spender": "gaming laptop", "window_shopper": "red sneakers"}


def typed_shop(con: duckdb.DuckDBPyConnection, n_users: int = 600, seed: int = 3) -> None:
    """Users of three hidden types (users.demo_type) with different behaviour, drawn with numpy.

    deal_hunter: several visits, buys kitchen items at 30% off, arrives by email on mobile;
    big_spender: many visits and orders of laptops at list price, desktop, search;
    window_shopper: one or two visits viewing shoes, never buys, social.
    """
    rng = np.random.default_rng(seed)
    products = [
        (f"{t[:1]}{i}", None, CATEGORY[t], f"brand_{t[:1]}{i % 3}", float(20 + 40 * i))
        for t in TYPES
        for i in range(10)
    ]
    add_products(con, products)
    users, events, searches = [], [], []
    for n in range(n_users):
        kind = TYPES[n % 3]
        user = f"user{n:05d}"
        users.append((user, T0, None, n % 5 != 0, kind))
        events += _typed_events(rng, user, kind)
        searches.append((user, None, SEARCH[kind], T0, None))
    insert_rows(con, "users", users)
    insert_rows(con, "events", events)
    insert_rows(con, "searches", searches)


def _typed_events(rng: np.random.Generator, user: str, kind: str) -> list[tuple]:
    sessions = {
        "deal_hunter": rng.integers(3, 6),
        "big_spender": rng.integers(5, 9),
        "window_shopper": rng.integers(1, 3),
    }[kind]
    source, device = {
        "deal_hunter": ("email", "mobile"),
        "big_spender": ("search", "desktop"),
        "window_shopper": ("social", "mobile"),
    }[kind]
    rows = []
    for s in range(int(sessions)):
        start = T0 + timedelta(days=float(rng.uniform(0, 60)))
        product = f"{kind[:1]}{rng.integers(0, 10)}"
        list_price = 20 + 40 * int(product[1:])
        views = int(rng.integers(2, 6)) if kind != "window_shopper" else int(rng.integers(4, 12))
        session = f"{user}-s{s}"
        for v in range(views):
            rows.append(
                (
                    start + timedelta(minutes=v),
                    "view",
                    user,
                    session,
                    product,
                    1,
                    float(list_price),
                    "EUR",
                    None,
                    source,
                    device,
                    None,
                )
            )
        buys = kind == "big_spender" or (kind == "deal_hunter" and rng.random() < 0.6)
        if buys:
            price = list_price * (0.7 if kind == "deal_hunter" else 1.0)
            rows.append(
                (
                    start + timedelta(minutes=views),
                    "cart",
                    user,
                    session,
                    product,
                    1,
                    float(price),
                    "EUR",
                    None,
                    source,
                    device,
                    None,
                )
            )
            rows.append(
                (
                    start + timedelta(minutes=views + 1),
                    "purchase",
                    user,
                    session,
                    product,
                    1,
                    float(price),
                    "EUR",
                    f"{session}-o",
                    source,
                    device,
                    None,
                )
            )
    return rows
