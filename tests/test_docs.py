"""The documentation's images and relative links point at files in the repository."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
HTML = re.compile(r"<(?:img|a|source)\b[^>]*?\b(?:src|href|srcset)=\"([^\"]+)\"", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


def link_targets(text: str) -> list[str]:
    """Image and link targets of markdown text, code blocks and code spans left out."""
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    return [m.group(1) for pattern in (INLINE, REFERENCE, HTML) for m in pattern.finditer(prose)]


def broken_links(doc: Path, text: str) -> list[str]:
    """Relative targets in ``text`` (a file at ``doc``) that name no file inside the repository."""
    broken = []
    for target in link_targets(text):
        if EXTERNAL.match(target):
            continue
        path = (doc.parent / unquote(target.split("#", 1)[0].split("?", 1)[0])).resolve()
        if not path.exists() or not path.is_relative_to(ROOT):
            broken.append(target)
    return broken


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_image_and_relative_link_points_at_a_file(doc):
    assert broken_links(doc, doc.read_text()) == [], f"{doc.relative_to(ROOT)} links to missing files"


def test_the_readme_shows_screenshots():
    images = [t for t in link_targets((ROOT / "README.md").read_text()) if t.endswith(".png")]
    assert images and all(t.startswith("docs/screenshots/") for t in images)


def test_missing_targets_are_reported_and_code_is_not_read_as_links():
    text = "\n".join(
        [
            "![The Data page](docs/screenshots/missing.png)",
            "See [the architecture](docs/ARCHITECTURE.md#jobs) and [the site](https://example.com).",
            '<img src="docs/nowhere.png" width="600">',
            "[ref]: docs/GONE.md",
            "[up](../outside.md)",
            "`x[0](y)` is code, and so is:",
            "```python\nprint(a[1](docs/none.md))\n```",
        ]
    )
    assert broken_links(ROOT / "README.md", text) == [
        "docs/screenshots/missing.png",
        "../outside.md",
        "docs/GONE.md",
        "docs/nowhere.png",
    ]


def test_the_readme_command_list_names_every_command():
    # A command missing from the README is a command nobody finds; the list is the README's one
    # place that names them all.
    from analytics.cli import build_parser

    _, modules = build_parser()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\.venv/bin/python -m analytics \[--db PATH\] ([a-z-]+)", readme, re.MULTILINE))
    assert set(modules) - listed == set()
