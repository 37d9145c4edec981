"""Reading the promises the docs make, so tests check exactly what the docs say."""

from __future__ import annotations

from tests.conftest import ROOT


def bullet(doc: str, title: str) -> str:
    """The text of the bullet that starts with ``- **{title}**`` in a markdown file of the repository."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    start = text.index(f"- **{title}**")
    end = text.find("\n- ", start + 1)
    return text[start : end if end > 0 else None]
