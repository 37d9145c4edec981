"""Invariants and realism of the generated shop: schema, funnel, orders, refunds, reviews, searches."""

from __future__ import annotations

import re

import pytest

from analytics.demo.catalog_tree import TOPS
from analytics.demo.customer_types import DEFAULT_TYPES

EU = ("DE", "FR", "NL", "ES")


@pytest.fixture(scope="module")
def shop():
    from tests.unit.demo_support import build_memory

    con, _ = build_memory(150_000, seed=7)
    yield con
    con.close()


def one(con, sql: str):
    return con.execute(sql).fetchone()


def test_columns_are_filled_as_the_schema_says(shop):
    bad = one(
        shop,
        """
        select
            count(*) filter (where user_id is null or product_id is null or price is null or price <= 0
                             or currency is null or traffic_source is null or device is null
                             or import_id is null),
            count(*) filter (where (session_id is null) <> (event_type = 'refund')),
            count(*) filter (where (order_id is not null) <> (event_type in ('purchase', 'refund'))),
            count(*) filter (where (quantity is null) <> (event_type in ('view', 'wishlist'))),
            count(*) filter (where quantity not between 1 and 3)
        from events
        """,
    )
    assert bad == (0, 0, 0, 0, 0)
    sources = {r[0] for r in shop.execute("select distinct traffic_source from events").fetchall()}
    assert sources == {"organic", "paid_search", "social", "email", "direct", "referral"}
    assert {r[0] for r in shop.execute("select distinct device from events").fetchall()} == {
        "mobile",
        "desktop",
        "tablet",
    }
    types = {r[0] for r in shop.execute("select distinct event_type from events").fetchall()}
    assert types == {"view", "cart", "remove_from_cart", "purchase", "refund", "wishlist"}


def test_everything_happens_inside_the_fixed_window(shop):
    lo, hi = one(shop, "select min(event_time), max(event_time) from events")
    assert str(lo) >= "2026-05-03" and str(hi) <= "2026-10-31 23:59:59"
    lo, hi = one(shop, "select min(searched_at), max(searched_at) from searches")
    assert str(lo) >= "2026-05-03" and str(hi) <= "2026-10-31 23:59:59"
    assert str(one(shop, "select max(created_at) from reviews")[0]) <= "2026-10-31 23:59:59"


def test_views_dominate_like_in_rees46(shop):
    share = one(shop, "select avg((event_type = 'view')::int) from events")[0]
    assert 0.85 <= share <= 0.92


def test_every_purchase_has_an_earlier_view_in_its_session(shop):
    missing = one(
        shop,
        """
        select count(*) from events p
        where p.event_type = 'purchase' and not exists (
            select 1 from events v
            where v.event_type = 'view' and v.session_id = p.session_id
              and v.product_id = p.product_id and v.event_time < p.event_time)
        """,
    )[0]
    assert missing == 0


def test_most_purchases_skip_the_cart(shop):
    share = one(
        shop,
        """
        select avg((exists (
            select 1 from events c
            where c.event_type = 'cart' and c.session_id = p.session_id
              and c.product_id = p.product_id and c.event_time < p.event_time))::int)
        from events p where p.event_type = 'purchase'
        """,
    )[0]
    assert 0.20 <= share <= 0.50


def test_removals_follow_a_cart_event(shop):
    orphans = one(
        shop,
        """
        select count(*) from events r
        where r.event_type = 'remove_from_cart' and not exists (
            select 1 from events c where c.event_type = 'cart' and c.session_id = r.session_id
              and c.product_id = r.product_id and c.event_time < r.event_time)
        """,
    )[0]
    assert orphans == 0


def test_orders_have_several_items_sometimes_and_one_currency_always(shop):
    multi, orders = one(
        shop,
        """
        select count(*) filter (where n > 1), count(*)
        from (select order_id, count(*) as n from events where event_type = 'purchase' group by 1)
        """,
    )
    assert 0.05 < multi / orders < 0.6
    assert one(shop, "select count(*) from events where event_type = 'purchase' and quantity > 1")[0] > 0
    mixed = one(
        shop,
        """
        select count(*) from (
            select order_id from events where order_id is not null
            group by 1 having count(distinct currency) > 1 or count(distinct user_id) > 1
                or count(distinct session_id) > 1)
        """,
    )[0]
    assert mixed == 0


def test_eu_storefront_sells_in_euro(shop):
    rows = shop.execute(
        "select u.country in ('DE', 'FR', 'NL', 'ES'), e.currency, count(*) "
        "from events e join users u using (user_id) group by 1, 2"
    ).fetchall()
    assert {(eu, currency) for eu, currency, _ in rows} == {(True, "EUR"), (False, "USD")}


def test_refunds_return_purchased_items_later(shop):
    bad = one(
        shop,
        """
        select count(*) from events r
        where r.event_type = 'refund' and not exists (
            select 1 from events p
            where p.event_type = 'purchase' and p.order_id = r.order_id and p.product_id = r.product_id
              and p.user_id = r.user_id and p.event_time < r.event_time
              and r.quantity <= p.quantity and r.price = p.price)
        """,
    )[0]
    assert bad == 0
    rate = one(
        shop,
        "select count(*) filter (where event_type = 'refund') "
        "/ count(*) filter (where event_type = 'purchase') from events",
    )[0]
    assert 0.02 <= rate <= 0.07


def test_disappointed_customers_refund_and_complain_more(shop):
    rows = dict(
        shop.execute(
            """
            select u.demo_type,
                   count(*) filter (where event_type = 'refund')
                   / count(*) filter (where event_type = 'purchase')
            from events e join users u using (user_id) group by 1
            """
        ).fetchall()
    )
    others = [v for k, v in rows.items() if k not in ("disappointed_churner", "fashion_lover")]
    assert rows["disappointed_churner"] > 2 * max(others)
    stars = dict(
        shop.execute(
            "select demo_type, avg(rating) from reviews join users using (user_id) group by 1"
        ).fetchall()
    )
    assert stars["disappointed_churner"] < stars["loyal_premium"] - 1.0


def test_the_sale_discounts_prices_and_lifts_conversion(shop):
    rows = shop.execute(
        """
        select
            event_time >= timestamp '2026-09-24' and event_time < timestamp '2026-09-28' as in_sale,
            avg(e.price / p.price) filter (where e.currency = 'USD') as usd_price_ratio,
            count(*) filter (where event_type = 'purchase')
            / count(*) filter (where event_type = 'view') as conversion,
            count(*) / count(distinct date_trunc('day', event_time)) as events_per_day
        from events e join products p using (product_id)
        where event_type in ('view', 'purchase')
        group by 1
        """
    ).fetchall()
    by_sale = {r[0]: r[1:] for r in rows}
    assert by_sale[True][0] == pytest.approx(0.80, abs=0.01)
    assert by_sale[False][0] == pytest.approx(1.00, abs=0.001)
    assert by_sale[True][1] > 1.3 * by_sale[False][1]
    assert by_sale[True][2] > 1.5 * by_sale[False][2]


def test_bargain_hunters_respond_to_the_sale_most(shop):
    lift = dict(
        shop.execute(
            """
            select u.demo_type,
                   avg((e.event_time >= timestamp '2026-09-24'
                        and e.event_time < timestamp '2026-09-28')::int)
            from events e join users u using (user_id) where event_type = 'purchase' group by 1
            """
        ).fetchall()
    )
    assert lift["bargain_hunter"] == max(lift.values())
    assert lift["bargain_hunter"] > 2 * lift["loyal_premium"]


def test_weekly_and_daily_rhythm(shop):
    by_hour = [
        r[1]
        for r in shop.execute(
            "select hour(event_time), count(*) from events group by 1 order by 1"
        ).fetchall()
    ]
    assert max(by_hour) > 3 * min(by_hour)
    weekend, weekday = one(
        shop,
        "select count(*) filter (where isodow(event_time) >= 6) / 2, "
        "count(*) filter (where isodow(event_time) < 6) / 5 from events where event_type = 'view'",
    )
    assert weekend > 1.05 * weekday


def test_catalog_tree_brands_and_prices(shop):
    tops, leaves, _ = one(
        shop,
        "select count(distinct split_part(category, '.', 1)), count(distinct category), count(*) "
        "from products",
    )
    assert tops == len(TOPS) and 30 <= leaves <= 60
    assert (
        one(shop, "select count(*) from products where price <= 0 or title is null or brand is null")[0] == 0
    )
    assert one(shop, "select count(*) - count(distinct product_id) from products")[0] == 0
    phones, notebooks = (
        one(shop, f"select median(price) from products where category = '{c}'")[0]
        for c in ("electronics.smartphone", "computers.notebook")
    )
    cases = one(
        shop, "select median(price) from products where category = 'electronics.accessories.phone_case'"
    )[0]
    assert cases < phones < notebooks
    assert one(shop, "select count(*) from events e anti join products p using (product_id)")[0] == 0


def test_phones_and_cases_are_bought_together(shop):
    share = one(
        shop,
        """
        with orders as (
            select order_id,
                   bool_or(category = 'electronics.smartphone') as has_phone,
                   bool_or(category = 'electronics.accessories.phone_case') as has_case
            from events join products using (product_id) where event_type = 'purchase' group by 1)
        select avg(has_case::int) filter (where has_phone), avg(has_case::int) filter (where not has_phone)
        from orders
        """,
    )
    assert share[0] > 0.2 and share[0] > 5 * share[1]


def test_users_are_complete(shop):
    assert one(shop, "select count(*) from events e anti join users u using (user_id)")[0] == 0
    assert one(shop, "select count(*) from users u anti join events e using (user_id)")[0] == 0
    consent = one(shop, "select avg(marketing_consent::int) from users")[0]
    assert 0.6 <= consent <= 0.8
    types = {r[0] for r in shop.execute("select distinct demo_type from users").fetchall()}
    assert types == {t.name for t in DEFAULT_TYPES}
    late = one(
        shop,
        "select count(*) from users u "
        "join (select user_id, min(event_time) as first_event from events group by 1) f using (user_id) "
        "where u.first_seen > f.first_event",
    )[0]
    assert late == 0


def test_reviews_follow_purchases(shop):
    assert one(shop, "select count(*) - count(distinct review_id) from reviews")[0] == 0
    orphans = one(
        shop,
        """
        select count(*) from reviews r where not exists (
            select 1 from events p where p.event_type = 'purchase' and p.order_id = r.order_id
              and p.product_id = r.product_id and p.user_id = r.user_id and p.event_time < r.created_at)
        """,
    )[0]
    assert orphans == 0
    reviewed = one(
        shop,
        "select (select count(*) from reviews) / (select count(*) from events where event_type = 'purchase')",
    )[0]
    assert 0.10 <= reviewed <= 0.20
    assert one(shop, "select count(*) from reviews where text = '' or title = '' or language <> 'en'")[0] == 0


def test_ratings_skew_positive_with_a_real_negative_tail(shop):
    shares = dict(
        shop.execute("select rating, count(*) / sum(count(*)) over () from reviews group by 1").fetchall()
    )
    assert set(shares) == {1, 2, 3, 4, 5}
    assert shares[5] == max(shares.values()) and shares[5] > 0.4
    assert 0.05 <= shares[1] <= 0.2
    assert shares[1] + shares[2] > 0.1


def test_review_text_matches_its_rating_mostly(shop):
    rows = shop.execute("select rating, text from reviews").fetchall()
    praise = re.compile(r"love it|worth every penny|excellent|works perfectly|spot on|helpful|very happy")
    complaint = re.compile(
        r"broke|disappointed|not worth|never answered|damaged|flimsy|overpriced|late|avoid"
    )
    good = [t for r, t in rows if r == 5]
    bad = [t for r, t in rows if r == 1]
    assert sum(bool(praise.search(t.lower())) for t in good) > 3 * sum(
        bool(praise.search(t.lower())) for t in bad
    )
    assert sum(bool(complaint.search(t.lower())) for t in bad) > 3 * sum(
        bool(complaint.search(t.lower())) for t in good
    ) * len(bad) / len(good)
    mixed = [t for _, t in rows if re.search(r", but |, although |However,", t)]
    assert len(mixed) > 0.03 * len(rows)
    assert len({t for _, t in rows}) > 0.5 * len(rows)


def test_a_few_reviews_carry_personal_data(shop):
    total, with_pii = one(
        shop,
        r"select count(*), "
        r"count(*) filter (where regexp_matches(text, '@example\.com|\+1 555-01|\+44 7700 900')) "
        "from reviews",
    )
    assert 0 < with_pii <= 0.02 * total


def test_searches_belong_to_sessions_and_read_like_queries(shop):
    orphans = one(
        shop,
        "select count(*) from searches s where not exists (select 1 from events e "
        "where e.session_id = s.session_id and e.user_id = s.user_id)",
    )[0]
    assert orphans == 0
    multi, total, distinct = one(
        shop, "select count(*) filter (where query like '% %'), count(*), count(distinct query) from searches"
    )
    assert multi > 0.2 * total and distinct > 500
    brand_hits = one(
        shop,
        "select count(*) from searches where split_part(query, ' ', 1) in "
        "(select distinct lower(split_part(brand, ' ', 1)) from products)",
    )[0]
    assert brand_hits > 0.05 * total
    vocabulary = _query_vocabulary()
    queries = [r[0] for r in shop.execute("select query from searches").fetchall()]
    with_typos = sum(any(word not in vocabulary for word in q.split()) for q in queries)
    assert 0.03 * len(queries) < with_typos < 0.2 * len(queries)


def _query_vocabulary() -> set[str]:
    """Every word the query pool is built from; a word outside it is a typo."""
    from analytics.demo import catalog_tree as tree

    texts = [q for leaf in tree.LEAVES for q in leaf.queries]
    texts += [b for brands in tree.BRANDS.values() for b, _ in brands]
    texts += [a for adjectives in tree.ADJECTIVES.values() for a in adjectives]
    texts += [v.replace('"', "") for variants in tree.VARIANTS.values() for v in variants]
    texts += [
        *tree.DEAL_WORDS,
        *tree.QUALITY_WORDS,
        "sale deal discount offer clearance under best price cheap",
    ]
    texts += [str(n) for n in (25, 50, 100, 200, 500, 1000, 2000)]
    return {word for text in texts for word in text.lower().split()}
