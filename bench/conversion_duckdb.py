"""Bench baseline analytics in DuckDB SQL (see bench/bench_conversion.py).

The bench's three analytics (funnel, kpis, rfm) from raw events, with the marts' definitions
restricted to what each analytic needs: a session is (user_id, session_id) of view/cart/purchase
events with a user and a product, dated by its first such event; a funnel pair is (session,
product); an order is an order_id, dated by its first purchase, worth its purchases minus the
refunds with the same order_id and product. Each function takes the Parquet path and the window
(``start``, ``end`` exclusive, ``prev_start``) and returns plain values, so engines can be compared.
One module per engine so that a process imports only the engine it measures.
"""

from __future__ import annotations

from datetime import date

import duckdb

_DUCK_SESSIONS = """
    steps as (
        select user_id, session_id, product_id, event_type, event_time,
            min(event_time) over (partition by user_id, session_id) as session_start
        from read_parquet($path)
        where event_type in ('view', 'cart', 'purchase') and user_id is not null and product_id is not null
            and session_id is not null
    )
"""


def funnel(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    sql = f"""
    with {_DUCK_SESSIONS},
    current as (select * from steps where session_start >= $start and session_start < $end),
    views as (
        select user_id, session_id, product_id, min(event_time) as viewed_at
        from current where event_type = 'view' group by all
    ),
    carts as (
        select v.user_id, v.session_id, v.product_id, min(c.event_time) as carted_at
        from views v join current c using (user_id, session_id, product_id)
        where c.event_type = 'cart' and c.event_time >= v.viewed_at group by all
    ),
    bought as (
        select distinct c.user_id, c.session_id, c.product_id
        from carts c join current p using (user_id, session_id, product_id)
        where p.event_type = 'purchase' and p.event_time >= c.carted_at
    ),
    counts as (
        select 0 as step, count(distinct user_id) u, count(distinct (user_id, session_id)) s, count(*) p from views
        union all select 1, count(distinct user_id), count(distinct (user_id, session_id)), count(*) from carts
        union all select 2, count(distinct user_id), count(distinct (user_id, session_id)), count(*) from bought
    )
    select * from counts order by step
    """
    rows = _duck(threads).execute(sql, {"path": path, "start": start, "end": end}).fetchall()
    return {"users": [r[1] for r in rows], "sessions": [r[2] for r in rows], "products": [r[3] for r in rows]}


def kpis(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    traffic_sql = f"""
    with {_DUCK_SESSIONS},
    periods as (
        select *, case when session_start >= $start then 'current' else 'previous' end as period
        from steps where session_start >= $prev_start and session_start < $end
    ),
    sessions as (
        select period, user_id, session_id, bool_or(event_type = 'purchase') as bought
        from periods group by all
    )
    select period, count(distinct user_id), count(*), count(distinct user_id) filter (where bought),
        count(*) filter (where bought)
    from sessions group by period
    """
    con = _duck(threads)
    traffic = {r[0]: list(r[1:]) for r in con.execute(traffic_sql, _params(path, start, end, prev_start)).fetchall()}
    sales = con.execute(
        _DUCK_ORDERS
        + """
        select currency, count(*), round(sum(value), 2) from orders
        where ordered_at >= $start and ordered_at < $end group by currency order by currency
    """,
        {"path": path, "start": start, "end": end},
    ).fetchall()
    return {
        "current": traffic.get("current"),
        "previous": traffic.get("previous"),
        "sales": {r[0]: [r[1], r[2]] for r in sales},
    }


_DUCK_ORDERS = """
with
    events as (select * from read_parquet($path) where event_type in ('purchase', 'refund') and order_id is not null),
    lines as (
        select order_id, product_id, any_value(user_id) as user_id, any_value(currency) as currency,
            sum(price * coalesce(quantity, 1)) as gross
        from events where event_type = 'purchase' group by all
    ),
    refunds as (
        select order_id, product_id, sum(price * coalesce(quantity, 1)) as refunded
        from events where event_type = 'refund' group by all
    ),
    dated as (select order_id, min(event_time) as ordered_at from events where event_type = 'purchase' group by all),
    orders as (
        select l.order_id, any_value(l.user_id) as user_id, any_value(l.currency) as currency,
            any_value(d.ordered_at) as ordered_at, sum(l.gross - coalesce(r.refunded, 0)) as value
        from lines l join dated d using (order_id)
        left join refunds r on r.order_id = l.order_id and r.product_id is not distinct from l.product_id
        group by l.order_id
    )
"""


def rfm(path: str, *, start: date, end: date, prev_start: date, threads: int | None) -> dict:
    sql = (
        _DUCK_ORDERS
        + """,
    per_user as (
        select user_id, date_diff('day', cast(max(ordered_at) as date), cast($end as date) - 1) as recency,
            count(*) as frequency, round(sum(value), 2) as monetary
        from orders where currency = 'USD' and user_id is not null and ordered_at < $end group by user_id
    ),
    scored as (
        select *,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by recency desc)) as integer)) as r,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by frequency)) as integer)) as f,
            least(5, 1 + cast(floor(5 * percent_rank() over (order by monetary)) as integer)) as m
        from per_user
    )
    select count(*), sum(r), sum(f), sum(m), round(sum(monetary), 2) from scored
    """
    )
    n, r, f, m, revenue = _duck(threads).execute(sql, {"path": path, "end": end}).fetchone()
    return {"customers": n, "score_sums": [int(r), int(f), int(m)], "revenue": float(revenue)}


def _duck(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    return con


def _params(path: str, start: date, end: date, prev_start: date) -> dict:
    return {"path": path, "start": start, "end": end, "prev_start": prev_start}
