"""Catalog attribute strings made readable.

Amazon-style catalogs export attributes as ``name:  { ... }`` records in a small JSON-like
language: ``unit_count:  { type:{ value:"count" }, value:1. }``, lists of records separated by
``;``, nested measurements (``length:{ unit:inches, value:9.07 }``) and ``|"`` or ``\\"`` for a quote
inside a quoted value. ``readable_attribute`` turns one into ``unit count: 1`` so retrieval and answers
read words, not syntax.
"""

from __future__ import annotations

import re

# Fields that restate the value in another form; the value itself is shown once.
REDUNDANT = {"normalized_value", "standardized_values", "type", "language_tag", "marketplace_id"}
_BARE_END = ",}];"


class AttributeFormatError(ValueError):
    """The text is not an attribute record; the message says where parsing stopped."""


def parse_attribute(raw: str) -> tuple[str, list]:
    """``name:  { ... }; { ... }`` -> (name, list of parsed records). Raises AttributeFormatError."""
    name, sep, rest = raw.partition(":")
    if not sep or not re.fullmatch(r"[A-Za-z0-9_ ]+", name.strip()):
        raise AttributeFormatError(f"expected 'name: {{ ... }}', found {raw[:40]!r}")
    parser = _Parser(rest)
    records = [parser.record()]
    while parser.skip(";"):
        records.append(parser.record())
    parser.end()
    return name.strip(), records


def readable_attribute(raw: str) -> str:
    """``unit_count:  { type:{ value:"count" }, value:1. }`` -> ``unit count: 1``.

    Text that is not an attribute record comes back with its spacing tidied, unchanged otherwise:
    a catalog line is never dropped for its format.
    """
    try:
        name, records = parse_attribute(raw)
    except AttributeFormatError:
        return " ".join(raw.split())
    values = [v for v in (_render(r) for r in records) if v]
    return f"{name.replace('_', ' ')}: {', '.join(values)}"


def _render(node) -> str:
    if isinstance(node, list):
        return ", ".join(v for v in (_render(x) for x in node) if v)
    if not isinstance(node, dict):
        return _scalar(node)
    if "value" in node:
        unit = node.get("unit")
        value = _render(node["value"])
        return f"{value} {_scalar(unit)}" if isinstance(unit, str) and value else value
    parts = [f"{key.replace('_', ' ')} {_render(v)}" for key, v in node.items() if key not in REDUNDANT | {"unit"}]
    return ", ".join(p for p in parts if p.strip())


def _scalar(value) -> str:
    text = str(value)
    if text in ("true", "false"):
        return "yes" if text == "true" else "no"
    if re.fullmatch(r"-?\d+\.", text):  # the export writes whole numbers as "14."
        return text[:-1]
    return text.replace("_", " ") if re.fullmatch(r"[a-z0-9_]+", text) else text


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def record(self) -> dict:
        self._space()
        return self._object()

    def skip(self, char: str) -> bool:
        self._space()
        if self.pos < len(self.text) and self.text[self.pos] == char:
            self.pos += 1
            return True
        return False

    def end(self) -> None:
        self._space()
        if self.pos != len(self.text):
            self._fail("the end of the attribute")

    def _object(self) -> dict:
        self._expect("{")
        fields: dict = {}
        while not self.skip("}"):
            if fields:
                self._expect(",")
            self._space()
            key = self._bare(":")
            self._expect(":")
            fields[key] = self._value()
        return fields

    def _list(self) -> list:
        self._expect("[")
        items: list = []
        while not self.skip("]"):
            if items:
                self._expect(",")
            items.append(self._value())
        return items

    def _value(self):
        self._space()
        char = self.text[self.pos : self.pos + 1]
        if char == "{":
            return self._object()
        if char == "[":
            return self._list()
        if char == '"':
            return self._quoted()
        return self._bare(_BARE_END)

    def _quoted(self) -> str:
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            if self.text[self.pos : self.pos + 2] in ('|"', '\\"'):  # the exports' escaped quotes
                out.append('"')
                self.pos += 2
            elif self.text[self.pos] == '"':
                self.pos += 1
                return "".join(out)
            else:
                out.append(self.text[self.pos])
                self.pos += 1
        return self._fail("a closing quote")

    def _bare(self, stops: str) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        token = self.text[start : self.pos].strip()
        if not token:
            self._fail("a name or value")
        return token

    def _expect(self, char: str) -> None:
        if not self.skip(char):
            self._fail(f"'{char}'")

    def _space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _fail(self, wanted: str):
        found = self.text[self.pos :][:20]
        raise AttributeFormatError(f"expected {wanted} at character {self.pos + 1}, found {found!r}")
