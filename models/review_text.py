"""What is scored and how scores are named: review content, labels, model keys and versions.

Kept free of torch so the dashboard can use it without loading a deep-learning stack.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from models.registry import ModelSource

NEUTRAL_BAND = 0.2  # |score| below this is "neutral": the model is close to undecided
# A title that only restates the star rating ("Five Stars", Amazon's default) is the rating,
# not the customer's words: it is left out of what is scored and of what a model learns from.
STAR_TITLE_PATTERN = r"^\s*(one|two|three|four|five|[1-5])\s+stars?\s*[.!]*\s*$"  # case-insensitive
_STAR_TITLE = re.compile(STAR_TITLE_PATTERN, re.IGNORECASE)

MIN_PER_CLASS = 20  # train-sentiment: fewer negative (or positive) rated reviews than this is too few
MIN_PRODUCTS = 4  # train-sentiment: the held-out split needs products of its own


def review_content(title: object, text: object) -> str:
    """What is scored for a review: its title and text, one line each (either may be missing).

    A title that only restates the star rating (``_STAR_TITLE``) is dropped.
    """
    if isinstance(title, str) and _STAR_TITLE.match(title):
        title = None
    parts = [p.strip() for p in (title, text) if isinstance(p, str) and p.strip()]
    return "\n".join(parts)


def label_for(score: float) -> str:
    """negative / neutral / positive for a score in [-1, 1]."""
    if score <= -NEUTRAL_BAND:
        return "negative"
    if score >= NEUTRAL_BAND:
        return "positive"
    return "neutral"


def model_key(name: str) -> str:
    """How a model is recorded with its scores: a local folder or file by its absolute path (so
    ``./x`` and ``x`` are one model), a packaged model or hub id as written."""
    if name.startswith("pkg:"):
        return name
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


def model_version(source: ModelSource) -> str:
    """A short fingerprint of the weights, so scores of a retrained folder are not mixed with old ones.

    Hashes the weight files' names, sizes and modification times (not their bytes: a 100 MB
    read on every job start is not worth it); a hub id is its own version.
    """
    if not source.is_local:
        return "hub"
    folder = Path(source.location)
    files = [folder / source.gguf_file] if source.gguf_file else sorted(folder.glob("*.safetensors"))
    files += [] if source.gguf_file else sorted(folder.glob("*.bin")) + [folder / "config.json"]
    digest = hashlib.sha256()
    for f in files:
        if f.is_file():
            stat = f.stat()
            digest.update(f"{f.name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]
