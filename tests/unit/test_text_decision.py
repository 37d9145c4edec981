"""The two measurements behind keeping or dropping the text embedding."""

import numpy as np
import pytest

from analytics.segments.text_decision import explained_share, keep_text, text_redundancy

RNG = np.random.default_rng(0)
BEHAVIOUR = RNG.normal(size=(600, 5))


def test_text_that_re_says_the_behaviour_is_redundant():
    text = BEHAVIOUR @ RNG.normal(size=(5, 3))
    assert text_redundancy(BEHAVIOUR, text) == pytest.approx(1.0, abs=1e-3)


def test_text_unrelated_to_behaviour_is_new_information():
    assert text_redundancy(BEHAVIOUR, RNG.normal(size=(600, 3))) < 0.05


def test_explained_share_is_eta_squared():
    labels = np.repeat([0, 1], 300)
    values = np.column_stack([labels * 2.0, RNG.normal(size=600)])
    # column 1: all variance between the groups; column 2: about none
    assert explained_share(values, labels) == pytest.approx(0.5, abs=0.01)


def test_text_is_kept_only_when_new_and_explaining_more():
    held_out = np.column_stack([np.repeat([0.0, 1.0], 300), RNG.normal(size=600)])
    good, bad = np.repeat([0, 1], 300), RNG.integers(0, 2, 600)
    new_text = RNG.normal(size=(600, 3))
    assert keep_text(BEHAVIOUR, new_text, held_out, good, bad, 0.5)["kept"]
    assert not keep_text(BEHAVIOUR, new_text, held_out, bad, good, 0.5)["kept"]
    assert not keep_text(BEHAVIOUR, BEHAVIOUR[:, :3], held_out, good, bad, 0.5)["kept"]
