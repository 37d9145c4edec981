"""The pure parts of sentiment, aspects and training: no model is loaded."""

import numpy as np
import pandas as pd
import pytest

from models.aspects import DEFAULT_ASPECTS, clauses, load_aspects
from models.sentiment import (
    aggregate,
    chunk_ids,
    label_for,
    label_polarity,
    length_batches,
    model_key,
    review_content,
)
from models.training import NotEnoughRatings, check_enough, polar_labels, split_by_product


def test_chunks_keep_every_token_with_overlap():
    windows = chunk_ids(list(range(1000)), 384, 32)
    assert [len(w) for w in windows] == [384, 384, 296]
    assert windows[1][0] == 352 and windows[-1][-1] == 999
    assert sorted(set().union(*windows)) == list(range(1000))


def test_short_text_is_one_chunk():
    assert chunk_ids([5, 6, 7], 384) == [[5, 6, 7]]


def test_aggregate_weights_chunks_by_tokens():
    assert aggregate([1.0, -1.0], [300, 100]) == pytest.approx(0.5)


def test_length_batches_group_similar_lengths():
    assert length_batches([5, 50, 6, 49], 2) == [[1, 3], [2, 0]]


@pytest.mark.parametrize(
    ("score", "label"), [(-0.9, "negative"), (-0.2, "negative"), (0.1, "neutral"), (0.2, "positive")]
)
def test_labels_have_a_neutral_band(score, label):
    assert label_for(score) == label


def test_review_content_drops_titles_that_restate_the_rating():
    assert review_content("Five Stars", "Comfy.") == "Comfy."
    assert review_content("Love it", "Comfy.") == "Love it\nComfy."
    assert review_content(None, "  ") == ""
    assert review_content("one star", None) == ""


def test_label_polarity_reads_common_label_sets():
    assert label_polarity({0: "NEGATIVE", 1: "POSITIVE"})[0].tolist() == [-1.0, 1.0]
    assert label_polarity({0: "negative", 1: "neutral", 2: "positive"})[0].tolist() == [-1.0, 0.0, 1.0]
    polarity, stars = label_polarity({i: f"{i + 1} stars" for i in range(5)})
    assert polarity.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0] and stars.tolist() == [1, 2, 3, 4, 5]


def test_label_polarity_refuses_unknown_labels():
    with pytest.raises(ValueError, match="cannot tell the sentiment of label 'sports'"):
        label_polarity({0: "sports", 1: "politics"})


def test_model_key_makes_folders_absolute(tmp_path, monkeypatch):
    (tmp_path / "m").mkdir()
    monkeypatch.chdir(tmp_path)
    assert model_key("m") == model_key("./m") == str(tmp_path / "m")
    assert model_key("org/some-model") == "org/some-model"


def test_clauses_split_sentences_and_contrasts():
    assert clauses("Love the colour but it runs small. Shipping was fast!\nWould buy again") == [
        "Love the colour",
        "but it runs small.",
        "Shipping was fast!",
        "Would buy again",
    ]


def test_default_aspects_parse():
    names = [a.name for a in load_aspects(None)]
    assert names == list(DEFAULT_ASPECTS)


def test_aspects_file_errors_name_the_file_and_aspect(tmp_path):
    bad = tmp_path / "aspects.toml"
    bad.write_text("[aspects.delivery]\nthreshold = 0.4\n")
    with pytest.raises(ValueError, match=r"aspects\.toml: aspect 'delivery' needs 'examples'"):
        load_aspects(bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_aspects(tmp_path / "missing.toml")


def test_aspects_file_replaces_the_list(tmp_path):
    good = tmp_path / "aspects.toml"
    good.write_text('[aspects.smell]\nexamples = ["It smells of chemicals."]\nthreshold = 0.45\n')
    (aspect,) = load_aspects(good)
    assert (aspect.name, aspect.examples, aspect.threshold) == ("smell", ("It smells of chemicals.",), 0.45)


def _rated(n_products=10, per_product=10):
    rows = []
    for p in range(n_products):
        for i in range(per_product):
            rows.append(
                {
                    "review_id": f"r{p}-{i}",
                    "product_id": f"p{p}",
                    "rating": [1, 2, 3, 4, 5][i % 5],
                    "content": f"review {i}",
                }
            )
    return pd.DataFrame(rows)


def test_polar_labels_leave_out_three_stars():
    polar = polar_labels(_rated())
    assert len(polar) == 80 and polar["label"].sum() == 40


def test_split_by_product_keeps_products_whole():
    polar = polar_labels(_rated())
    train, holdout = split_by_product(polar, 0.2, seed=1)
    assert set(train["product_id"]).isdisjoint(holdout["product_id"])
    assert len(holdout) == 16 and len(train) + len(holdout) == len(polar)


def test_check_enough_names_the_short_class():
    polar = polar_labels(_rated(n_products=5, per_product=5))
    train, holdout = split_by_product(polar, 0.2, seed=1)
    with pytest.raises(NotEnoughRatings, match="only 10 negative rated reviews"):
        check_enough(polar, train, holdout)


def test_polar_labels_name_missing_columns():
    with pytest.raises(ValueError, match=r"lack columns \['content'\]"):
        polar_labels(pd.DataFrame({"review_id": [], "product_id": [], "rating": np.array([], dtype=int)}))
