"""Question topics on real product questions: how many are left as "other", and a sample to check.

    python -m bench.eval_topics [--sample 50] [--seed 14]

Reads the distinct questions of ../shared/data/product_qa_amazon (ePQA dev part and the three
hetPQA files), assigns each a topic with ``analytics.assistant.topics`` and prints the share per
topic, then a seeded random sample with the words that decided each, for a hand check.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pandas as pd

from analytics.assistant import topics

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "product_qa_amazon"
FILES = (
    ("epqa_dev_part.csv.gz", ","),
    ("hetpqa_answer_generation_train.csv.gz", "\t"),
    ("hetpqa_answer_generation_dev.csv.gz", "\t"),
    ("hetpqa_evidence_ranking_dev.csv.gz", "\t"),
)


def questions() -> list[str]:
    """Every distinct question of the four files, whitespace-normalised, sorted."""
    found: set[str] = set()
    for name, sep in FILES:
        frame = pd.read_csv(DATA / name, sep=sep, usecols=["question"])
        found |= {" ".join(str(q).split()) for q in frame["question"].dropna()}
    return sorted(q for q in found if q)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    asked = questions()
    assigned = pd.Series([topics.topic_of(q) for q in asked])
    print(f"{len(asked):,} distinct questions")
    for topic, share in assigned.value_counts(normalize=True).items():
        print(f"  {topic:<30} {share:6.1%}")
    print(f"share left as other: {(assigned == topics.OTHER).mean():.1%}")
    for q in random.Random(args.seed).sample(asked, args.sample):
        topic, words = topics.why(q)
        print(f"[{topic} <- '{words}'] {q[:150]}")


if __name__ == "__main__":
    main()
