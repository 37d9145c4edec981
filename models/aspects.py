"""What a review talks about (delivery, price/value, quality, size/fit, ...) and how it feels about each.

By a model, not a keyword list: every sentence (and every clause after a "but") of a review is
embedded with a sentence-embedding model (the packaged all-MiniLM-L6-v2 by default) and compared
with short example sentences that describe each aspect. A review mentions an aspect when one of
its sentences is at least ``threshold`` similar (cosine) to one of the aspect's examples; the
aspect's sentiment is the sentiment scorer's verdict on those sentences alone.

The aspect list is data: ``DEFAULT_ASPECTS`` below, or a TOML file named by the ``aspects_file``
setting::

    [aspects.delivery]
    examples = ["The parcel arrived two days late.", "Shipping was fast."]
    threshold = 0.5          # optional, default DEFAULT_THRESHOLD

    [aspects.other]          # optional: sentences about none of the aspects (see OTHER)
    examples = ["I love the colour.", "Great shoes."]
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.device import choose_device
from models.registry import resolve_model
from models.sentiment import SentimentScorer, label_for
from models.settings import Settings

DEFAULT_THRESHOLD = 0.4

DEFAULT_ASPECTS: dict[str, dict[str, Any]] = {
    "delivery": {
        "examples": [
            "The package arrived quickly.",
            "Shipping took forever and the order came late.",
            "It was delivered on time.",
            "I never received my order.",
            "Fast delivery.",
            "It took weeks to arrive.",
        ],
    },
    "price_value": {
        "examples": [
            "Great value for the money.",
            "Too expensive for what you get.",
            "The price was very reasonable.",
            "Not worth the price.",
            "I bought it on sale, a bargain.",
            "Overpriced.",
        ],
    },
    "quality": {
        "examples": [
            "The material is high quality and well made.",
            "It fell apart after one wash.",
            "Cheap fabric and poor stitching.",
            "The fabric is soft and thick.",
            "The seams ripped after a week.",
            "The color faded after washing.",
            "The material feels scratchy and itchy.",
            "The fabric is thin and see-through.",
        ],
    },
    "size_fit": {
        "examples": [
            "It fits true to size.",
            "Runs small, order a size up.",
            "Too big and baggy on me.",
            "The fit is perfect.",
            "Too tight across the chest and too short.",
            "I ordered a medium and it fits well.",
            "Way too long for me, I am petite.",
            "I usually wear a size 6.",
        ],
    },
    "customer_service": {
        "examples": [
            "Customer service was very helpful.",
            "The seller never answered my emails.",
            "The refund was processed quickly.",
            "They sent me the wrong item.",
            "Great service from the store.",
        ],
    },
    "packaging": {
        "examples": [
            "The box was damaged when it arrived.",
            "Nicely packaged and wrapped.",
            "It came folded in a plastic bag.",
            "The packaging was crushed.",
            "Beautiful gift box.",
        ],
    },
}

# "other": sentences about none of the aspects. A clause is about an aspect only when it is closer
# to one of the aspect's examples than to all of these: general praise ("Love it!") is otherwise
# near enough to "high quality" to be counted as a remark on quality. Never reported itself.
OTHER = "other"
DEFAULT_ASPECTS[OTHER] = {
    "examples": [
        "I love the color.",
        "It is so cute and pretty.",
        "Very comfortable.",
        "I get lots of compliments.",
        "Great shoes.",
        "Love it!",
        "It looks great with jeans.",
        "I bought it as a gift.",
        "The design is beautiful.",
        "Perfect for the gym.",
        "I would recommend it.",
        "It is not what I expected.",
        "Good arch support.",
    ]
}

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_BUT = re.compile(r"\s+(?=\b(?:but|however|although|though)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Aspect:
    name: str
    examples: tuple[str, ...]
    threshold: float = DEFAULT_THRESHOLD


@dataclass(frozen=True)
class AspectMention:
    """One aspect a review talks about, with the sentiment of the sentences about it."""

    aspect: str
    similarity: float  # the best sentence's cosine similarity to one of the aspect's examples
    score: float  # sentiment of those sentences, in [-1, 1]
    label: str  # negative, neutral or positive
    sentences: tuple[str, ...]


def clauses(text: str) -> list[str]:
    """Sentences of a review, with clauses after "but"/"however"/"although" split off (contrasts
    usually change the subject: "Love the colour but it runs small")."""
    parts = []
    for sentence in _SENTENCE_END.split(text):
        parts.extend(p.strip() for p in _BUT.split(sentence) if p.strip())
    return parts or [text.strip()]


def load_aspects(path: str | Path | None) -> tuple[Aspect, ...]:
    """The aspect list: ``DEFAULT_ASPECTS``, or the TOML file at ``path`` (format in the module docstring)."""
    if not path:
        return _parse(DEFAULT_ASPECTS, "DEFAULT_ASPECTS")
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"aspects_file {file} does not exist")
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8")).get("aspects")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"aspects_file {file}: {exc}") from exc
    if not isinstance(table, dict) or not table:
        raise ValueError(f"aspects_file {file}: expected one [aspects.NAME] table per aspect")
    return _parse(table, f"aspects_file {file}")


def _parse(table: Mapping[str, Any], source: str) -> tuple[Aspect, ...]:
    aspects = []
    for name, spec in table.items():
        examples = spec.get("examples") if isinstance(spec, Mapping) else None
        if not examples or not all(isinstance(e, str) and e.strip() for e in examples):
            raise ValueError(f"{source}: aspect '{name}' needs 'examples', a list of example sentences")
        threshold = spec.get("threshold", DEFAULT_THRESHOLD)
        if not isinstance(threshold, int | float) or not 0 < threshold < 1:
            raise ValueError(f"{source}: aspect '{name}' threshold {threshold!r} must be a number between 0 and 1")
        aspects.append(Aspect(str(name), tuple(examples), float(threshold)))
    return tuple(aspects)


class AspectFinder:
    """Finds aspects in reviews with a sentence-embedding model (module docstring)."""

    def __init__(self, settings: Settings, aspects: Sequence[Aspect] | None = None, model: str | None = None) -> None:
        self.settings = settings
        self.aspects = tuple(aspects) if aspects is not None else load_aspects(settings.aspects_file)
        self.name = model or settings.embedding_model
        self.encoder: Any = None

    def load(self) -> AspectFinder:
        """Load the embedding model once and embed every aspect's examples."""
        from sentence_transformers import SentenceTransformer

        plan = choose_device(self.settings.device)
        self.encoder = SentenceTransformer(resolve_model(self.name).location, device=plan.device)
        examples = [e for a in self.aspects for e in a.examples]
        self._owner = np.array([i for i, a in enumerate(self.aspects) for _ in a.examples])
        self._examples = self._embed(examples)
        self._thresholds = np.array([a.threshold for a in self.aspects])
        return self

    def _embed(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(
            texts, batch_size=self.settings.embedding_batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def similarities(self, texts: list[str]) -> tuple[list[list[str]], list[np.ndarray]]:
        """Per review: its clauses, and a ``clauses x aspects`` matrix of best cosine similarities
        (columns in the order of ``self.aspects``, ``other`` included)."""
        if self.encoder is None:
            raise RuntimeError("call load() before using the aspect finder")
        split = [clauses(t) for t in texts]
        flat = [c for parts in split for c in parts]
        sims = self._embed(flat) @ self._examples.T if flat else np.zeros((0, len(self._owner)))
        per_aspect = np.full((len(flat), len(self.aspects)), -1.0)
        for a in range(len(self.aspects)):
            per_aspect[:, a] = sims[:, self._owner == a].max(axis=1, initial=-1.0)
        out, start = [], 0
        for parts in split:
            out.append(per_aspect[start : start + len(parts)])
            start += len(parts)
        return split, out

    def detect(
        self, texts: list[str], threshold: float | None = None
    ) -> list[list[tuple[str, float, tuple[str, ...]]]]:
        """Per review: ``(aspect, best similarity, clauses about it)`` for each aspect it mentions.

        A clause is about an aspect when its similarity reaches the aspect's threshold (or
        ``threshold`` for all) and beats its similarity to every ``other`` example.
        """
        split, sims = self.similarities(texts)
        names = [a.name for a in self.aspects]
        limits = self._thresholds if threshold is None else np.full(len(self.aspects), threshold)
        found = []
        for parts, matrix in zip(split, sims, strict=True):
            floor = matrix[:, names.index(OTHER)] if OTHER in names else np.full(len(parts), -1.0)
            hits = (matrix >= limits) & (matrix >= floor[:, None])
            mentions = []
            for a, aspect in enumerate(self.aspects):
                if aspect.name != OTHER and hits[:, a].any():
                    about = tuple(p for p, hit in zip(parts, hits[:, a], strict=True) if hit)
                    mentions.append((aspect.name, float(matrix[hits[:, a], a].max()), about))
            found.append(mentions)
        return found

    def find(
        self, texts: list[str], scorer: SentimentScorer, batch_size: int | None = None
    ) -> list[list[AspectMention]]:
        """Aspects each review mentions, each with the sentiment of its own sentences (one scorer call)."""
        detected = self.detect(texts)
        snippets = [" ".join(sentences) for mentions in detected for _, _, sentences in mentions]
        scores = iter(scorer.predict(snippets, batch_size=batch_size) if snippets else [])
        out = []
        for mentions in detected:
            row = []
            for aspect, similarity, sentences in mentions:
                s = next(scores)
                row.append(AspectMention(aspect, similarity, s.score, label_for(s.score), sentences))
            out.append(row)
        return out
