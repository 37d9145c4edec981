"""Fine-tune an encoder into a review-sentiment classifier on the shop's own star ratings.

Every shop has star-rated reviews: they are the labels (4-5 stars positive, 1-2 negative;
3 stars are left out of training). Reviews are split by product, so the held-out metrics say how
the model does on products it never saw. The result is a Hugging Face model folder that
``models.sentiment.ClassifierScorer`` (and so the ``sentiment_model`` setting and
``sentiment --model DIR``) loads, with a model card (data, date, metrics) and ``metrics.json``.

Input table (``fine_tune``): ``review_id, product_id, rating, content`` (content: what is scored,
``models.sentiment.review_content``).
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from models.device import choose_device
from models.registry import resolve_model
from models.review_text import MIN_PER_CLASS, MIN_PRODUCTS
from models.sentiment import ClassifierScorer
from models.settings import PACKAGED_MINILM, Settings

LABELS = {0: "negative", 1: "positive"}

Progress = Callable[[float, float, str], None]


class NotEnoughRatings(ValueError):
    """The warehouse holds too few rated reviews (or products) to train and measure a model."""


@dataclass(frozen=True)
class TrainingConfig:
    """How to fine-tune; the defaults are the ones measured in bench/RESULTS.md."""

    base_model: str = PACKAGED_MINILM
    epochs: float = 1.0  # a fraction trains on part of an epoch (tests)
    max_length: int = 128  # tokens per training review (longer ones are cut for training only)
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    holdout_fraction: float = 0.2  # share of reviews, taken as whole products
    seed: int = 13
    max_train_reviews: int | None = None  # cap the training set (tests, quick trials)


@dataclass(frozen=True)
class TrainingReport:
    """What a training run produced and how the model did on held-out products."""

    out_dir: str
    base_model: str
    trained_at: str
    count_train: int
    count_holdout: int
    metrics: dict[str, float]
    seconds: float
    config: dict[str, Any] = field(default_factory=dict)


def polar_labels(reviews: pd.DataFrame) -> pd.DataFrame:
    """Reviews rated 1-2 or 4-5 with words, with ``label`` 0 (negative) or 1 (positive)."""
    missing = {"review_id", "product_id", "rating", "content"} - set(reviews.columns)
    if missing:
        raise ValueError(
            f"training reviews lack columns {sorted(missing)}; need review_id, product_id, rating, content"
        )
    words = reviews["content"].fillna("").astype(str).str.strip() != ""
    polar = reviews[reviews["rating"].isin([1, 2, 4, 5]) & words].copy()
    polar["label"] = (polar["rating"] >= 4).astype(int)
    return polar.reset_index(drop=True)


def split_by_product(reviews: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, holdout): whole products go to the holdout until it has ``fraction`` of the reviews.

    Products are drawn in a seeded random order; a product with no id counts as its own product.
    """
    products = reviews["product_id"].fillna("review:" + reviews["review_id"].astype(str))
    order = sorted(products.unique())
    random.Random(seed).shuffle(order)
    sizes = products.value_counts()
    target, taken, held = fraction * len(reviews), 0, set()
    for product in order:
        if taken >= target:
            break
        held.add(product)
        taken += int(sizes[product])
    mask = products.isin(held)
    return reviews[~mask].reset_index(drop=True), reviews[mask].reset_index(drop=True)


def check_enough(polar: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame) -> None:
    """Refuse to train on too little: name what is short and how much there is."""
    counts = polar["label"].value_counts()
    for label, name in LABELS.items():
        if int(counts.get(label, 0)) < MIN_PER_CLASS:
            raise NotEnoughRatings(
                f"only {int(counts.get(label, 0))} {name} rated reviews with text "
                f"({'1-2' if label == 0 else '4-5'} stars); training needs at least {MIN_PER_CLASS}"
            )
    if polar["product_id"].nunique() < MIN_PRODUCTS:
        raise NotEnoughRatings(
            f"rated reviews cover {polar['product_id'].nunique()} products; a held-out split by product "
            f"needs at least {MIN_PRODUCTS}"
        )
    for name, part in (("training", train), ("held-out", holdout)):
        if part["label"].nunique() < 2:
            raise NotEnoughRatings(f"the {name} split has reviews of one class only; add rated reviews or products")


def fine_tune(
    reviews: pd.DataFrame,
    out_dir: str | Path,
    settings: Settings,
    config: TrainingConfig | None = None,
    progress: Progress | None = None,
) -> TrainingReport:
    """Train on the rated reviews of some products, measure on the others, save a model folder.

    ``reviews``: ``review_id, product_id, rating, content`` (3-star reviews of held-out products
    are used only to calibrate the 1-5 star estimate). Returns the held-out metrics.
    """
    config = config or TrainingConfig()
    started = time.perf_counter()
    polar = polar_labels(reviews)
    train, holdout = split_by_product(polar, config.holdout_fraction, config.seed)
    check_enough(polar, train, holdout)
    if config.max_train_reviews is not None:
        train = train.sample(n=min(len(train), config.max_train_reviews), random_state=config.seed)
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} already holds files; name a new folder for the trained model")
    # Built under a temporary name and renamed when complete: a crash or cancel leaves no half model.
    partial = out.parent / f".{out.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _train_and_save(train, partial, settings, config, progress)
    held_products = set(holdout["product_id"].dropna())
    neutral = reviews[(reviews["rating"] == 3) & reviews["product_id"].isin(held_products)]
    metrics, table = _measure(partial, settings, holdout, neutral, progress)
    report = TrainingReport(
        out_dir=str(out.resolve()),
        base_model=config.base_model,
        trained_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        count_train=len(train),
        count_holdout=len(holdout),
        metrics=metrics,
        seconds=round(time.perf_counter() - started, 1),
        config=asdict(config),
    )
    _write_card(partial, report, table, train)
    if out.exists():
        out.rmdir()  # empty (checked above)
    os.replace(partial, out)
    return report


def _train_and_save(
    train: pd.DataFrame, out: Path, settings: Settings, config: TrainingConfig, progress: Progress | None
) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    torch.manual_seed(config.seed)
    plan = choose_device(settings.device)
    source = resolve_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(source.location)
    model = AutoModelForSequenceClassification.from_pretrained(
        source.location, num_labels=2, id2label=LABELS, label2id={v: k for k, v in LABELS.items()}
    ).to(plan.device)
    encoded = tokenizer(train["content"].tolist(), truncation=True, max_length=config.max_length)["input_ids"]
    labels = train["label"].to_numpy()
    batches = _length_buckets([len(ids) for ids in encoded], config.batch_size, config.epochs, config.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, int(config.warmup_fraction * len(batches)), len(batches))
    # Ratings skew positive (often 10:1): weight the classes so the rare complaints count as much.
    counts = np.bincount(labels, minlength=2)
    weights = torch.tensor(len(labels) / (2 * np.maximum(counts, 1)), dtype=torch.float32, device=plan.device)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    model.train()
    for step, batch in enumerate(batches, start=1):
        ids, mask = _pad([encoded[i] for i in batch], tokenizer.pad_token_id or 0, plan.device)
        target = torch.tensor(labels[batch], device=plan.device)
        with torch.autocast(plan.device, dtype=plan.dtype, enabled=plan.device == "cuda"):
            logits = model(input_ids=ids, attention_mask=mask).logits
        loss = loss_fn(logits.float(), target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if progress:
            progress(step, len(batches), f"training step {step}/{len(batches)}, loss {loss.item():.3f}")
    model.eval()
    model.config.sentiment_max_length = config.max_length
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def _length_buckets(lengths: list[int], batch_size: int, epochs: float, seed: int) -> list[list[int]]:
    """Shuffled batches of similar-length reviews (less padding, faster on CPU), ``epochs`` passes."""
    rng = random.Random(seed)
    batches: list[list[int]] = []
    for _ in range(math.ceil(epochs)):
        order = list(range(len(lengths)))
        rng.shuffle(order)
        pool = batch_size * 50
        epoch = []
        for start in range(0, len(order), pool):
            chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
            epoch += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
        rng.shuffle(epoch)
        batches += epoch
    return batches[: max(1, round(len(batches) * epochs / math.ceil(epochs)))]


def _pad(rows: list[list[int]], pad_id: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids.to(device), mask.to(device)


def _measure(
    out: Path, settings: Settings, holdout: pd.DataFrame, neutral: pd.DataFrame, progress: Progress | None
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Held-out metrics of the saved model (loaded back the way the product loads it), and a
    score-to-stars table fitted on the held-out products' ratings (3 stars included)."""
    from sklearn.isotonic import IsotonicRegression

    if progress:
        progress(0, 1, f"measuring on {len(holdout):,} held-out reviews")
    scorer = ClassifierScorer(settings, str(out)).load()
    scored = pd.concat([holdout, neutral], ignore_index=True)
    scores = np.array([s.score for s in scorer.predict(scored["content"].tolist())])
    metrics = binary_metrics(holdout["label"].to_numpy(), scores[: len(holdout)])
    iso = IsotonicRegression(y_min=1, y_max=5, out_of_bounds="clip").fit(scores, scored["rating"].astype(float))
    grid = np.linspace(-1, 1, 21)
    table = {"score": grid.round(2).tolist(), "stars": np.round(iso.predict(grid), 3).tolist()}
    return metrics, table


def binary_metrics(positive: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """accuracy, balanced accuracy (decision at score 0) and ROC AUC of scores against 0/1 labels."""
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score

    predicted = scores > 0
    return {
        "accuracy": round(float(accuracy_score(positive, predicted)), 4),
        "balanced_accuracy": round(float(balanced_accuracy_score(positive, predicted)), 4),
        "auc": round(float(roc_auc_score(positive, scores)), 4) if len(set(positive)) == 2 else float("nan"),
        "count_positive": int(np.sum(positive)),
        "count_negative": int(len(positive) - np.sum(positive)),
    }


def _write_card(out: Path, report: TrainingReport, star_table: dict[str, list[float]], train: pd.DataFrame) -> None:
    config_file = out / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["star_calibration"] = star_table
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    m = report.metrics
    (out / "README.md").write_text(
        f"""# Review sentiment, trained on the shop's own ratings

- Base model: `{report.base_model}`, fine-tuned as a two-label (negative, positive) sequence classifier.
- Trained: {report.trained_at} UTC, in {report.seconds:.0f} s.
- Data: {report.count_train:,} rated reviews with text of {train["product_id"].nunique():,} products
  (4-5 stars positive, 1-2 negative, 3 left out; classes weighted), at most
  {report.config.get("max_length")} tokens each, {report.config.get("epochs")} epoch(s).
- Held out: {report.count_holdout:,} reviews of products the model never saw.

| held-out metric | value |
|---|---|
| accuracy | {m["accuracy"]:.3f} |
| balanced accuracy | {m["balanced_accuracy"]:.3f} |
| ROC AUC | {m["auc"]:.3f} |
| positive / negative reviews | {m["count_positive"]:,} / {m["count_negative"]:,} |

Score = P(positive) - P(negative), in [-1, 1]; 0 is the decision boundary. `star_calibration` in
config.json maps a score to the average star rating of held-out reviews with that score.
""",
        encoding="utf-8",
    )
