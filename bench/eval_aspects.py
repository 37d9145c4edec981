"""Precision and recall of aspect detection against the hand labels in tests/data/aspect_labels.csv.

    python -m bench.eval_aspects [--threshold T] [--sweep] [--sentiment MODEL]

The review texts are read from ../shared/data (never copied); tests/data/ASPECT_LABELS.md says
how the 170 reviews were drawn and labelled. With ``--sentiment`` it also measures whether the
per-aspect sentiment has the labelled sign (aspects labelled + or -, found by the model).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from bench.review_samples import load_reviews
from models.aspects import OTHER, AspectFinder, load_aspects
from models.review_text import review_content
from models.settings import load_settings

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "aspect_labels.csv"


def labelled_reviews(path: Path = LABELS) -> pd.DataFrame:
    """``source, review_id, content, gold`` where gold maps aspect to polarity (+, -, 0)."""
    with path.open(encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    texts = {}
    for source in sorted({row["source"] for row in labels}):
        reviews = load_reviews(source)
        texts |= {r.review_id: review_content(r.title, r.text) for r in reviews.itertuples() if r.review_id is not None}
    rows = []
    for line, row in enumerate(labels, start=2):
        if row["review_id"] not in texts:
            raise ValueError(f"{path}, row {line}, column review_id: no review '{row['review_id']}' in {row['source']}")
        gold = dict(item.split(":") for item in row["aspects"].split())
        rows.append(
            {"source": row["source"], "review_id": row["review_id"], "content": texts[row["review_id"]], "gold": gold}
        )
    return pd.DataFrame(rows)


def precision_recall(gold: list[set[str]], found: list[set[str]], aspects: list[str]) -> pd.DataFrame:
    """Per aspect and overall (micro): true positives, predicted, labelled, precision, recall."""
    rows = []
    for aspect in [*aspects, "all"]:
        tp = pred = true = 0
        for g, f in zip(gold, found, strict=True):
            g_set = g if aspect == "all" else g & {aspect}
            f_set = f if aspect == "all" else f & {aspect}
            tp, pred, true = tp + len(g_set & f_set), pred + len(f_set), true + len(g_set)
        rows.append(
            {
                "aspect": aspect,
                "labelled": true,
                "found": pred,
                "correct": tp,
                "precision": tp / pred if pred else float("nan"),
                "recall": tp / true if true else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, help="one threshold for every aspect (default: each aspect's own)")
    parser.add_argument("--sweep", action="store_true", help="print micro precision/recall for thresholds 0.3-0.55")
    parser.add_argument("--sentiment", help="also score per-aspect sentiment with this model")
    args = parser.parse_args(argv)
    settings = load_settings()
    data = labelled_reviews()
    aspects = load_aspects(settings.aspects_file)
    finder = AspectFinder(settings, aspects).load()
    names = [a.name for a in aspects if a.name != OTHER]
    gold = [set(g) for g in data["gold"]]
    thresholds = [round(0.3 + 0.025 * i, 3) for i in range(11)] if args.sweep else [args.threshold]
    for t in thresholds:
        found = [{m[0] for m in mentions} for mentions in finder.detect(data["content"].tolist(), threshold=t)]
        table = precision_recall(gold, found, names)
        if args.sweep:
            micro = table.iloc[-1]
            print(f"threshold {t:.3f}: precision {micro.precision:.3f} recall {micro.recall:.3f}")
        else:
            limits = {a.name: t or a.threshold for a in aspects if a.name != OTHER}
            print(f"{len(data)} hand-labelled reviews, thresholds {limits}")
            print(table.to_string(index=False, float_format="%.3f"))
    if args.sentiment:
        _sentiment(finder, data, gold, settings, args.sentiment)
    return 0


def _sentiment(finder: AspectFinder, data: pd.DataFrame, gold: list[set[str]], settings, model: str) -> None:
    from models.sentiment import make_scorer

    scorer = make_scorer(settings, model).load()
    found = finder.find(data["content"].tolist(), scorer)
    tally: Counter = Counter()
    for labels, mentions in zip(data["gold"], found, strict=True):
        for m in mentions:
            polarity = labels.get(m.aspect)
            if polarity in ("+", "-"):
                tally["judged"] += 1
                tally["right"] += (m.score > 0) == (polarity == "+")
    share = tally["right"] / tally["judged"] if tally["judged"] else float("nan")
    print(
        f"per-aspect sentiment with {model}: right sign on {tally['right']}/{tally['judged']} "
        f"found aspects labelled + or - ({share:.3f})"
    )


if __name__ == "__main__":
    sys.exit(main())
