"""Clustering on a shop of three hidden user types: k chosen with evidence, every user covered."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.segments.features import user_features
from analytics.segments.segmentation import SegmentationConfig, behaviour_matrix, choose_k, design_matrix, segment_users
from tests.segments.shops import typed_shop


@pytest.fixture(scope="module")
def shop():
    from analytics.core import warehouse

    con = warehouse.connect_memory()
    typed_shop(con, 300)
    features = user_features(con)
    types = con.execute("select demo_type from users order by user_id").fetchnumpy()["demo_type"]
    con.close()
    return features, types


def test_k_is_chosen_from_silhouette_and_stability(shop):
    features, _ = shop
    values, _ = behaviour_matrix(features)
    k, evidence = choose_k(values, SegmentationConfig())
    assert k == 3
    assert [e.k for e in evidence] == list(range(2, 11))
    best = next(e for e in evidence if e.k == 3)
    assert best.stability == pytest.approx(1.0) and best.silhouette == max(e.silhouette for e in evidence)


def test_segments_recover_the_hidden_types_for_every_user(shop):
    features, types = shop
    result = segment_users(features, None, SegmentationConfig(seed=1))
    assert len(result.labels) == len(features) == 300
    assert adjusted_rand_score(types, result.labels) == pytest.approx(1.0)


def test_segments_are_numbered_by_size(shop):
    features, _ = shop
    labels = segment_users(features, None, SegmentationConfig(k=5)).labels
    sizes = np.bincount(labels)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_a_k_set_by_the_user_is_kept(shop):
    features, _ = shop
    result = segment_users(features, None, SegmentationConfig(k=4))
    assert result.k == 4 and result.chosen_by == "user" and set(result.labels) == {0, 1, 2, 3}


def test_a_k_larger_than_the_users_is_refused(shop):
    features, _ = shop
    with pytest.raises(ValueError, match="between 1 and the number of users"):
        segment_users(features, None, SegmentationConfig(k=301))


def test_text_block_gets_its_share_of_variance(shop):
    features, _ = shop
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(features), 16)).astype(np.float32)
    design = design_matrix(features, vectors, SegmentationConfig(text_components=4, text_weight=0.25))
    behaviour = design.values[:, : design.behaviour_width].var(axis=0).sum()
    text = design.values[:, design.behaviour_width :].var(axis=0).sum()
    assert design.columns[-4:] == ("text_pc1", "text_pc2", "text_pc3", "text_pc4")
    assert text / (text + behaviour) == pytest.approx(0.25, rel=1e-3)


def test_noise_text_is_not_kept_in_auto_mode(shop):
    features, types = shop
    vectors = np.random.default_rng(1).normal(size=(len(features), 16)).astype(np.float32)
    result = segment_users(features, vectors, SegmentationConfig(text="auto"))
    assert not result.used_text and result.text_decision["kept"] is False
    assert adjusted_rand_score(types, result.labels) == pytest.approx(1.0)


def test_text_is_used_when_switched_on(shop):
    features, _ = shop
    vectors = np.random.default_rng(1).normal(size=(len(features), 16)).astype(np.float32)
    result = segment_users(features, vectors, SegmentationConfig(text="on", k=3))
    assert result.used_text and result.columns[-1] == "text_pc8"


def test_map_covers_a_sample_of_users(shop):
    features, _ = shop
    result = segment_users(features, None, SegmentationConfig(k=3))
    assert np.isfinite(result.map_xy).all()  # 300 users: all in the map sample
    assert result.map_xy.shape == (300, 2)
