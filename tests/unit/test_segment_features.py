"""User features on a tiny handmade shop, checked against hand-computed numbers."""

import math

import pytest

from analytics.segments.features import user_features
from tests.segments.shops import tiny_shop


@pytest.fixture
def features(con):
    tiny_shop(con)
    return user_features(con)


def _row(features, user):
    return features.table.set_index("user_id").loc[user]


def test_one_row_per_user_with_events_in_user_id_order(features):
    assert features.table["user_id"].tolist() == ["u1", "u2", "u3"]  # the anonymous view is left out


def test_money_orders_and_recency(features):
    u1 = _row(features, "u1")
    assert u1["revenue"] == 115.0 and u1["count_orders"] == 2 and u1["avg_order_value"] == 57.5
    assert u1["days_since_last_purchase"] == pytest.approx(
        1.0
    )  # the last event of a known user is 2 days 1 min after T0
    assert math.isnan(_row(features, "u2")["days_since_last_purchase"])


def test_engagement_rates(features):
    u1, u2 = _row(features, "u1"), _row(features, "u2")
    assert u1["cart_rate"] == 0.5 and u1["purchase_session_rate"] == 1.0 and u1["views_per_session"] == 1.0
    assert u2["views_per_session"] == 2.0 and u2["cart_rate"] == 0.0 and u2["count_searches"] == 1


def test_price_level_is_geometric_mean_against_category_median(features):
    # u1 had 3 events on p1 (listed at 100) and 2 on p3 (listed at 20); apparel.shoes' median list price is 60.
    expected = math.exp((3 * math.log(100 / 60) + 2 * math.log(20 / 60)) / 5)
    assert _row(features, "u1")["price_level"] == pytest.approx(expected)
    assert _row(features, "u2")["price_level"] == pytest.approx(1.0)


def test_discount_share_counts_purchases_below_list_price(features):
    assert _row(features, "u1")["discount_share"] == 0.5  # the sandal listed at 20 was bought at 15


def test_reviews(features):
    u1 = _row(features, "u1")
    assert u1["count_reviews"] == 2 and u1["avg_rating"] == 3.5


def test_affinity_shares(features):
    u1 = _row(features, "u1")
    assert u1["category:apparel"] == 1.0 and u1["category:electronics"] == 0.0
    assert u1["traffic_source:email"] == pytest.approx(0.6) and u1["device:desktop"] == pytest.approx(0.4)
    assert _row(features, "u3")["brand:phoney"] == 1.0


def test_sentiment_left_out_and_said_so_until_reviews_are_scored(features):
    assert not features.has_sentiment and "avg_sentiment" not in features.table
    assert any("sentiment" in note for note in features.notes)


def test_sentiment_used_when_scored(con):
    tiny_shop(con)
    con.execute(
        "insert into review_sentiment (review_id, model, model_version, score, label, chunks, scored_at) values "
        "('r1', 'm', 'v', 0.8, 'positive', 1, now()), ('r2', 'm', 'v', -0.4, 'negative', 1, now())"
    )
    features = user_features(con)
    assert features.has_sentiment and "avg_sentiment" in features.behaviour
    assert _row(features, "u1")["avg_sentiment"] == pytest.approx(0.2)
    assert math.isnan(_row(features, "u2")["avg_sentiment"])


def test_money_is_in_the_users_own_currency(con):
    tiny_shop(con)
    con.execute(
        "insert into events values (timestamp '2024-03-01 12:30', 'purchase', 'u2', 's3', 'p2', 1, 9.0, "
        "'USD', 'o9', null, null, null), (timestamp '2024-03-01 12:31', 'purchase', 'u1', 's1', 'p1', 1, 7.0, "
        "'USD', 'o8', null, null, null)"
    )
    features = user_features(con)
    u1, u2 = _row(features, "u1"), _row(features, "u2")
    assert (u2["currency"], u2["revenue"]) == ("USD", 9.0)
    assert (u1["currency"], u1["revenue"]) == ("EUR", 115.0)  # two EUR purchases outnumber one in USD
    assert features.currency in ("EUR", "USD") and any("never summed" in n for n in features.notes)
