"""A small hand-made shop for campaign tests: users, purchases before the window, one saved audience."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from analytics.campaigns import plans
from analytics.core import warehouse
from analytics.trust.access import CLI_ACTOR

START = date(2026, 10, 1)
END = date(2026, 10, 14)
PLANNED_AT = datetime(2026, 9, 30, 12, 0)
DECLINED = ("u0003", "u0010")  # marketing_consent false
UNKNOWN_CONSENT = ("u0004",)  # marketing_consent null
HEADER = "user_id,campaign,variant,sent_at\n"


def tiny_shop(users: int = 200) -> duckdb.DuckDBPyConnection:
    """``users`` users (u0001 ...), user i with i % 4 orders in the 60 days before START, all of
    them in saved audience 1 ('Test audience')."""
    con = warehouse.connect_memory()
    for i in range(1, users + 1):
        user = f"u{i:04d}"
        consent = None if user in UNKNOWN_CONSENT else user not in DECLINED
        con.execute(
            "insert into users values ($u, $t, 'US', $c, null)", {"u": user, "t": datetime(2026, 1, 1), "c": consent}
        )
        for k in range(i % 4):
            at = datetime.combine(START, datetime.min.time()) - timedelta(days=5 + 11 * k + i % 7)
            con.execute(
                "insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, "
                "currency, order_id) values ($at, 'purchase', $u, $s, 'p1', 1, 10.0, 'USD', $o)",
                {"at": at, "u": user, "s": f"s{i}-{k}", "o": f"o{i}-{k}"},
            )
        con.execute("insert into audience_users values (1, $u)", {"u": user})
    con.execute(
        "insert into audiences values (1, 'Test audience', $t, 'test', '{}', $n)",
        {"t": datetime(2026, 9, 1), "n": users},
    )
    return con


def request(**changes) -> plans.PlanRequest:
    """A plan of audience 1 with variants A and B, holdout 0.2, seed 11 (fields overridable)."""
    values = {
        "name": "Autumn test",
        "channel": "email_subject",
        "source": plans.Source("audience", 1),
        "variants": (plans.Variant("A", 101, "Autumn is here"), plans.Variant("B", 102, "New in for autumn")),
        "start": START,
        "end": END,
        "holdout_share": 0.2,
        "seed": 11,
    }
    return plans.PlanRequest(**(values | changes))


def make_plan(con: duckdb.DuckDBPyConnection, **changes) -> dict:
    """Store a plan (request(**changes)) as planned at PLANNED_AT; returns its summary."""
    con.begin()
    summary = plans.create_plan(con, CLI_ACTOR, request(**changes), created_at=PLANNED_AT)
    con.commit()
    return summary


def arms(con: duckdb.DuckDBPyConnection, campaign_id: int = 1) -> dict[str, list[str]]:
    """User ids per arm of a plan."""
    rows = con.execute(
        "select arm, list(user_id order by user_id) from campaign_assignments where campaign_id = $c group by arm",
        {"c": campaign_id},
    ).fetchall()
    return dict(rows)


def send_log(path: Path, rows: list[tuple[str, ...]], header: str = HEADER) -> Path:
    """Write a send log CSV (rows of user_id, campaign, variant, sent_at[, unsubscribed_at])."""
    path.write_text(header + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    return path
