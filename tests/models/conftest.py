"""Real models for the model tests, loaded once per session (all offline, from packaged weights)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analytics.core import jobs
from models.settings import PACKAGED_MINILM, Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def lm_scorer():
    """The untrained default: the packaged SmolLM2 scored by next-token probabilities (~15 s to load)."""
    from models.sentiment import ZeroShotLMScorer

    return ZeroShotLMScorer(Settings()).load()


@pytest.fixture(scope="session")
def plain_classifier_dir(tmp_path_factory) -> str:
    """The packaged MiniLM encoder with a new, untrained two-label head, saved as a model folder.

    A real sequence classifier that loads in a second: for tests of the job and of chunking,
    whose outcome does not depend on what the head has learned.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from models.registry import resolve_model

    torch.manual_seed(0)
    source = resolve_model(PACKAGED_MINILM)
    folder = tmp_path_factory.mktemp("plain-classifier")
    model = AutoModelForSequenceClassification.from_pretrained(
        source.location, num_labels=2, id2label={0: "negative", 1: "positive"}, label2id={"negative": 0, "positive": 1}
    )
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(source.location).save_pretrained(folder)
    return str(folder)


def insert_reviews(settings: Settings, reviews: pd.DataFrame) -> None:
    """Put reviews (review_id, product_id, rating, title, text, ...) into a warehouse through a job."""

    def job(ctx):
        with ctx.batch():
            ctx.con.register("incoming", reviews)
            ctx.con.execute("insert into reviews by name select * from incoming")
            ctx.con.unregister("incoming")
        return {"reviews": len(reviews)}

    result = jobs.run_job(settings, "insert_reviews", job, params={"n": len(reviews), "first": reviews.iloc[0, 0]})
    assert result.status == "done", result.error
