"""Profiles, traits, names, RFM tiers and complaints, on handmade shops with known answers."""

import json

import numpy as np
import pytest

from analytics.conversion import rfm
from analytics.core import marts, warehouse
from analytics.core.filters import Filters
from analytics.segments.complaints import segment_complaints
from analytics.segments.features import user_features
from analytics.segments.profiles import NON_BUYERS, build_profiles, customer_values
from analytics.segments.segmentation import SegmentationConfig, segment_users
from analytics.segments.traits import segment_traits, short_name
from tests.segments.shops import add_reviews, typed_shop


@pytest.fixture(scope="module")
def shop():
    con = warehouse.connect_memory()
    typed_shop(con, 300)
    marts.refresh(con)
    features = user_features(con)
    segmentation = segment_users(features, None, SegmentationConfig(k=3))
    yield con, features, segmentation
    con.close()


def _segment_of(con, segmentation, kind):
    types = con.execute("select demo_type from users order by user_id").fetchnumpy()["demo_type"]
    return int(np.bincount(segmentation.labels[types == kind]).argmax())


def test_traits_state_the_real_means(shop):
    _, features, segmentation = shop
    for segment in range(3):
        inside = segmentation.labels == segment
        for trait in segment_traits(features, segmentation.labels, segment, "EUR"):
            values = features.table[trait.feature].to_numpy(float)
            assert trait.segment_value == pytest.approx(np.nanmean(values[inside]))
            assert trait.rest_value == pytest.approx(np.nanmean(values[~inside]))


def test_trait_sentence_says_both_figures(shop):
    con, features, segmentation = shop
    segment = _segment_of(con, segmentation, "window_shopper")
    traits = segment_traits(features, segmentation.labels, segment, "EUR")
    orders = next(t for t in traits if t.feature == "count_orders")
    assert orders.sentence == (
        f"Orders per user: 0.0 against {orders.rest_value:,.1f} for everyone else "
        f"(lower, {abs(orders.effect):.1f} standard deviations)."
    )
    assert orders.effect < 0 and orders.word == "Rare buyers"


def test_traits_say_one_thing_once(shop):
    con, features, segmentation = shop
    for segment in range(3):
        traits = segment_traits(features, segmentation.labels, segment, "EUR")
        dimensions = [t.feature.split(":")[0] for t in traits if ":" in t.feature]
        assert len(dimensions) == len(set(dimensions)) and 1 <= len(traits) <= 4
        assert all(t.effect > 0 for t in traits if ":" in t.feature)


def test_names_come_from_traits_and_are_unique(shop):
    con, features, segmentation = shop
    profiles = build_profiles(con, features, segmentation)
    names = [p.name for p in profiles]
    assert len(set(names)) == 3
    deal = profiles[_segment_of(con, segmentation, "deal_hunter")]
    assert deal.name == "Deal seekers · home fans"  # bought at 30% off; only kitchen (home) items


def test_short_name_is_made_unique():
    taken = {"Big spenders"}
    assert short_name([], taken) == "Typical users"
    assert short_name([], taken) == "Typical users (2)"


def test_profile_figures(shop):
    con, features, segmentation = shop
    profiles = build_profiles(con, features, segmentation)
    spender = profiles[_segment_of(con, segmentation, "big_spender")]
    window = profiles[_segment_of(con, segmentation, "window_shopper")]
    assert sum(p.count_users for p in profiles) == 300
    assert window.conversion_rate == 0.0 and window.share_revenue == 0.0 and window.rfm_mix == {NON_BUYERS: 1.0}
    assert spender.conversion_rate == 1.0 and sum(spender.rfm_mix.values()) == pytest.approx(1.0)
    assert window.clv is None and spender.clv > 0
    assert sum(p.share_revenue for p in profiles) == pytest.approx(1.0)
    assert spender.top_categories[0].value == "electronics" and spender.top_categories[0].lift == pytest.approx(3.0)
    assert len(spender.representatives) == 5 and set(spender.representatives) <= set(features.user_ids)
    assert spender.description.startswith(f"{spender.count_users:,} users")
    assert json.loads(spender.profile_json())["conversion_rate"] == 1.0


def test_customer_values_are_the_conversion_pages_rfm_tiers(shop):
    con, features, _ = shop
    values = customer_values(con, features)
    bounds = con.execute("select min(event_time)::date, max(event_time)::date from events").fetchone()
    scores = rfm.scores(con, Filters(*bounds), "EUR").set_index("user_id")
    tiers = dict(zip(features.user_ids, values.tiers, strict=True))
    assert values.available
    assert all(tiers[user] == tier for user, tier in scores["tier"].items())
    assert {tiers[u] for u in features.user_ids if u not in scores.index} == {NON_BUYERS}


def test_customer_values_say_when_the_marts_are_empty(con):
    typed_shop(con, 30)
    values = customer_values(con, user_features(con))
    assert not values.available and set(values.tiers) == {NON_BUYERS}


def test_complaints_are_terms_of_low_rated_reviews(con):
    from tests.segments.shops import tiny_shop

    tiny_shop(con)
    bad = [(f"b{i}", "u1", "p1", 1, None, f"the screen arrived broken, order {i}") for i in range(4)]
    good = [(f"g{i}", "u2", "p2", 5, None, f"the screen arrived fine, order {i}") for i in range(4)]
    add_reviews(con, bad + good)
    found = segment_complaints(con, np.array(["u1", "u2", "u3"], dtype=object), np.array([0, 1, 1]))
    assert [c.term for c in found[0]] == ["arrived broken"]  # "broken" alone says the same; the rest is common
    assert found[0][0].count_reviews == 4 and found[0][0].share == pytest.approx(4 / 5)
    assert 1 not in found  # segment 1 wrote no low-rated review


def test_complaints_are_negative_aspects_once_reviews_are_scored_with_them(con):
    from tests.segments.shops import tiny_shop

    tiny_shop(con)
    add_reviews(con, [("r3", "u2", "p2", 2, None, "late and overpriced")])
    con.execute(
        "insert into review_sentiment (review_id, model, model_version, score, label, chunks, scored_at) values "
        "('r1', 'm', 'v', 0.9, 'positive', 1, now()), ('r2', 'm', 'v', -0.7, 'negative', 1, now()), "
        "('r3', 'm', 'v', -0.6, 'negative', 1, now())"
    )
    con.execute(
        "insert into review_aspects values ('r2', 'm', 'quality', 0.6, -0.8, 'negative', 'e'), "
        "('r1', 'm', 'quality', 0.5, 0.7, 'positive', 'e'), ('r3', 'm', 'delivery', 0.6, -0.5, 'negative', 'e'), "
        "('r3', 'm', 'price_value', 0.5, -0.4, 'negative', 'e')"
    )
    found = segment_complaints(con, np.array(["u1", "u2", "u3"], dtype=object), np.array([0, 1, 1]))
    assert [(c.term, c.count_reviews, c.share, c.basis) for c in found[0]] == [("quality", 1, 0.5, "aspect")]
    assert [c.term for c in found[1]] == ["delivery", "price / value"]
