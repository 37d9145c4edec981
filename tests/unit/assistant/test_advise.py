"""`advise`: products matching a need, with a reason from data; a user's history and segment reorder them."""

import json

import pandas as pd
import pytest

from analytics.assistant.advice import Catalog, advise
from analytics.cli import main
from tests.unit.assistant.test_import_product_qa import ROWS, write_csv

EDITING = "a 15 inch laptop with 16 gb ram, good for video editing"
LAPTOP = [
    [9, "q?", "L1", EDITING, "description", 8, "Nimbus 15 laptop", 0, ""],
    [9, "q?", "L1", "battery lasts all day when editing video", "review", 9, "Nimbus 15 laptop", 0, ""],
    [10, "q?", "C1", "a cotton t-shirt in five colours", "description", 10, "Basic tee", 0, ""],
]


@pytest.fixture
def shop(settings, tmp_path):
    path = write_csv(tmp_path / "pqa.csv", ROWS + LAPTOP)
    assert main(["--db", str(settings.db_path), "import", str(path), "--format", "product_qa", "--create"]) == 0
    return settings


def advise_cli(settings, *args):
    return main(["--db", str(settings.db_path), "advise", *args])


def test_the_matching_product_comes_first_with_its_matching_text_as_reason(shop, capsys):
    capsys.readouterr()
    assert advise_cli(shop, "I want a new laptop for video editing", "--json") == 0
    record = json.loads(capsys.readouterr().out)
    assert record["need"] == "I want a new laptop for video editing" and record["user_id"] is None
    first = record["products"][0]
    assert first["product_id"] == "L1"
    assert "16 gb ram" in first["reason"] or "editing video" in first["reason"]
    assert all(p["product_id"] != "C1" or p["relevance"] < first["relevance"] for p in record["products"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "the need is empty"),
        (["laptop", "--user", "nobody"], "--user: user 'nobody' is not in the shop"),
        (["laptop", "--user", " "], "--user is empty"),
        (["laptop", "--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_input_is_refused_by_name(shop, capsys, args, message):
    capsys.readouterr()
    assert advise_cli(shop, *args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


class OneDirection:
    """Every text and need embeds to the same vector: relevance ties, so only the nudges order."""

    def encode(self, texts):
        import numpy as np

        return np.ones((len(texts), 2), dtype="float32") / np.sqrt(2)


def catalog(categories=None, bought=(), segment=None) -> Catalog:
    products = pd.DataFrame(
        {
            "product_id": ["A", "B", "C"],
            "title": ["laptop a", "laptop b", "laptop c"],
            "category": ["electronics.laptops", "office.laptops", "electronics.laptops"],
            "price": [900.0, 800.0, 700.0],
            "rating": [4.0, 4.0, None],
            "ratings": [20, 20, 0],
            "buyers": [10, 10, 0],
        }
    )
    texts = pd.DataFrame({"product_id": ["A", "B", "C"], "kind": "title", "text": products["title"], "vector": None})
    return Catalog(products, texts, categories or {}, set(bought), segment or {})


def test_history_segment_and_purchases_personalise_the_order():
    plain = [s.product_id for s in advise("a laptop", catalog(), OneDirection())]
    assert plain[:2] == ["A", "B"] and plain[2] == "C"  # rated and bought beat unrated; ties by id
    office = advise("a laptop", catalog(categories={"office": 5.0, "electronics": 1.0}), OneDirection())
    assert office[0].product_id == "B" and "you often shop office" in office[0].reason
    by_segment = advise("a laptop", catalog(segment={"C": 7}), OneDirection())
    assert by_segment[0].product_id == "C" and "7 customers like you bought it" in by_segment[0].reason
    bought = advise("a laptop", catalog(bought={"A"}), OneDirection())
    assert "A" not in [s.product_id for s in bought]
