"""Tiny handmade shops for the segmentation tests, written into an in-memory warehouse."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

T0 = datetime(2024, 3, 1, 12, 0)


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
        full.append((T0 + timedelta(minutes=minutes), kind, user, session, product, 1, price, "EUR", order,
                     source, device, None))
    con.executemany("insert into events values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", full)


def add_reviews(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """rows: (review_id, user_id, product_id, rating, title, text)."""
    con.executemany(
        "insert into reviews values (?, ?, ?, null, ?, ?, ?, ?, 'en', null)",
        [(r, u, p, rating, title, text, T0) for r, u, p, rating, title, text in rows],
    )


def tiny_shop(con: duckdb.DuckDBPyConnection) -> None:
    """Three users: u1 buys shoes twice (one at a discount), u2 only browses phones, u3 carts a phone."""
    add_products(con, [
        ("p1", "Trail running shoe", "apparel.shoes", "acme", 100.0),
        ("p2", None, "electronics.smartphone", "phoney", 500.0),
        ("p3", "Cheap sandal", "apparel.shoes", "acme", 20.0),
    ])
    add_events(con, [
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
    ])
    add_reviews(con, [("r1", "u1", "p1", 5, "Great", "Fits well, very comfortable"),
                      ("r2", "u1", "p3", 2, None, "Broke after a week")])
    con.execute("insert into searches values ('u2', 's3', 'android phone', ?, null)", [T0])
