"""A synthetic shop of any number of users for the segmentation benchmark, generated in DuckDB.

The demo generator makes about 55 events per user, so a million users would mean 55M events;
the segmentation target is about users, so this shop keeps about 12 events per user (1M users,
~12M events, a minute to generate). Six user types differ in visits, views, carts, purchases,
price tier, discounts, traffic source, device, reviews and searches, with noise around each.
"""

from __future__ import annotations

import duckdb

SCHEMA_SQL = """
create or replace table bench_types as
select * from (values
    (0, 'bargain',   2, 4, 0.08, 0.35, 0.5, 'email',       'mobile',  0.6, 'cheap deal'),
    (1, 'premium',   3, 3, 0.12, 0.55, 2.0, 'direct',      'desktop', 0.0, 'premium brand'),
    (2, 'browser',   2, 8, 0.03, 0.15, 1.0, 'social',      'mobile',  0.1, 'new arrivals'),
    (3, 'tech',      3, 5, 0.07, 0.40, 1.4, 'organic',     'desktop', 0.1, 'gaming laptop'),
    (4, 'fashion',   3, 4, 0.09, 0.40, 0.9, 'social',      'mobile',  0.2, 'summer dress'),
    (5, 'churner',   1, 4, 0.07, 0.30, 0.8, 'paid_search', 'tablet',  0.2, 'refund')
) t(type_id, type_name, sessions, views, cart_rate, buy_rate, price_factor, source, device, discount, query)
"""

PRODUCTS_SQL = """
insert into products
select 'p' || i, 'product ' || i, (['electronics', 'computers', 'appliances', 'apparel', 'beauty', 'home',
    'sport'])[1 + i % 7] || '.leaf' || (i % 5), 'brand' || (i % 40), round(5 + 200 * random(), 2)
from range($products) t(i)
"""

USERS_SQL = """
insert into users
select 'u' || lpad(i::varchar, 8, '0'), timestamp '2026-01-01', 'US', i % 5 <> 0, (select type_name from bench_types
    where type_id = i % 6)
from range($users) t(i)
"""

EVENTS_SQL = """
insert into events
with
    users as (select user_id, cast(substr(user_id, 2) as bigint) % 6 as type_id from users),
    sessions as (
        select u.user_id, t.*, s.range as session_number,
            timestamp '2026-03-01' + to_seconds(cast(random() * 86400 * 180 as bigint)) as started_at
        from users u join bench_types t using (type_id),
            range(cast(t.sessions + floor(random() * 2) as bigint)) s
    ),
    views as (
        select s.*, v.range as step,
            cast(floor(random() * $products / 7) * 7 + (s.type_id + cast(random() < 0.3 as int)) % 7 as bigint)
                as product_number
        from sessions s, range(cast(1 + floor(random() * s.views) as bigint)) v
    ),
    steps as (
        select *, random() as roll from views
    ),
    typed as (
        select *, unnest(case
            when roll < buy_rate * cart_rate then ['view', 'cart', 'purchase']
            when roll < cart_rate then ['view', 'cart']
            else ['view'] end) as event_type
        from steps
    )
select
    started_at + to_seconds(step * 40 + case event_type when 'cart' then 10 when 'purchase' then 20 else 0 end),
    event_type, user_id, user_id || '-' || session_number, 'p' || product_number, 1,
    round((5 + (product_number % 97) * 2) * price_factor * case when event_type = 'purchase' and random() < discount
        then 0.8 else 1 end, 2),
    'USD', case when event_type = 'purchase' then user_id || '-' || session_number end, source, device, null
from typed
"""

REVIEWS_SQL = """
insert into reviews
select 'r' || row_number() over (), user_id, product_id, order_id,
    case when random() < 0.7 then 5 else 1 end, null,
    case when random() < 0.7 then 'great value, works well' else 'arrived broken, poor quality' end,
    event_time, 'en', null
from events where event_type = 'purchase' and random() < 0.15
"""

SEARCHES_SQL = """
insert into searches
select e.user_id, e.session_id, t.query, min(e.event_time), null
from events e join users u using (user_id) join bench_types t on t.type_name = u.demo_type
where e.event_type = 'view' and hash(e.session_id) % 3 = 0
group by e.user_id, e.session_id, t.query
"""


def build_shop(con: duckdb.DuckDBPyConnection, users: int, seed: float = 0.42) -> dict[str, int]:
    """Fill an empty migrated warehouse with ``users`` users; returns row counts."""
    con.execute("select setseed($seed)", {"seed": seed})
    con.execute(SCHEMA_SQL)
    products = max(700, users // 50)
    con.execute(PRODUCTS_SQL, {"products": products})
    con.execute(USERS_SQL, {"users": users})
    con.execute(EVENTS_SQL, {"products": products})
    con.execute(REVIEWS_SQL)
    con.execute(SEARCHES_SQL)
    con.execute("drop table bench_types")
    return {
        table: con.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("users", "products", "events", "reviews", "searches")
    }
