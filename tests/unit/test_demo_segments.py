"""The hidden customer types: recoverable from behaviour jointly, never from one feature alone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from tests.unit.demo_support import build_memory, user_features


@pytest.fixture(scope="module")
def features():
    con, _ = build_memory(200_000, seed=7)
    frame = user_features(con)
    con.close()
    labels = frame["demo_type"].astype(str).to_numpy()
    values = frame.drop(columns=["user_id", "demo_type"]).astype(float).fillna(0.0)
    return values, labels


def test_every_type_is_present_with_enough_users(features):
    _, labels = features
    names, counts = np.unique(labels, return_counts=True)
    assert len(names) == 6
    assert counts.min() / counts.sum() > 0.08


def test_kmeans_on_standardised_features_recovers_the_types(features):
    values, labels = features
    clusters = KMeans(n_clusters=6, n_init=10, random_state=0).fit_predict(
        StandardScaler().fit_transform(values)
    )
    ari = adjusted_rand_score(labels, clusters)
    print(f"ARI {ari:.3f} on {len(labels)} users")
    assert ari >= 0.6


def test_no_single_feature_separates_the_types(features):
    values, labels = features

    def accuracy(columns: list[str]) -> float:
        tree = DecisionTreeClassifier(max_depth=5, random_state=0)
        return cross_val_score(tree, values[columns], labels, cv=3).mean()

    single = {column: accuracy([column]) for column in values.columns}
    best_column = max(single, key=single.get)
    joint = accuracy(list(values.columns))
    print(f"best single feature {best_column} {single[best_column]:.3f}, all features {joint:.3f}")
    assert single[best_column] < 0.55
    assert joint > single[best_column] + 0.2
