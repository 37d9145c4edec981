"""Fixtures for the assistant tests: the packaged sentence encoder, loaded once, and a hand-made product."""

from __future__ import annotations

import pandas as pd
import pytest

from models.settings import Settings

KETTLE = [
    ("title", "Steelworks 1.7 litre electric kettle, model SK-170", "t1"),
    ("description", "A brushed steel kettle that boils 1.7 litres in four minutes and switches itself off.", "d1"),
    ("bullet", "Cordless: lifts off a 360 degree base with a 75 cm power cord.", "b1"),
    ("attribute", "capacity: 1.7 liters", "a1"),
    ("attribute", "material: stainless steel", "a2"),
    ("qa", "Yes, it is dishwasher safe on the top rack only. (asked: can the filter go in the dishwasher?)", "q1"),
    ("review", "Great kettle, boils fast, but the lid hinge feels a bit flimsy.", "r1"),
    ("review", "The water tastes of plastic for the first week, then it is fine.", "r2"),
]


@pytest.fixture(scope="session")
def embedder():
    from models.embeddings import TextEmbedder

    return TextEmbedder(Settings()).load()


@pytest.fixture(scope="session")
def assistant(embedder):
    from analytics.assistant.answers import Assistant

    return Assistant(Settings(), embedder).load()


@pytest.fixture
def kettle() -> pd.DataFrame:
    return pd.DataFrame(KETTLE, columns=["kind", "text", "ref"])
