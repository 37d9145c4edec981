"""Checks for what a planner would delete: meta-text, first person, dialogue, quotes, unfinished
sentences, repeated words, unknown names and unsupported claims.

Each check is a plain string rule over the text, given what is *known* (the brief, the offer,
the segment and its recommended products): a name or a claim is fine when the known text has
it. ``analytics.campaigns.copy_rules.check_copy`` runs them with the channel and fact checks; the
copy writer also runs them on the model's hooks before a hook is placed in a pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


def _check(name: str, found: list[str]) -> Check:
    found = [f for f in dict.fromkeys(f.strip() for f in found) if f]
    return Check(name, not found, f"found {found[:3]}" if found else "")


# Chat filler and talk about the message itself: nothing a customer should read.
META_TEXT = re.compile(
    r"\b(?:here(?:'s| is| are)|the above|above offer|as an ai|language model|offer facts?|notification|"
    r"text message|subject line|headline|caption|characters?|copywriter|marketing (?:copy|message|text)|"
    r"(?:this|the|my) (?:message|text|email|sms|post|ad)\b|catering to|sure[,!]|certainly[,!]|"
    r"please (?:visit|see|find|note)|our website|at:)",
    re.IGNORECASE,
)
FIRST_PERSON_SINGULAR = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|me|my|mine|myself)\b")
FIRST_PERSON_PLURAL = re.compile(r"\b(?:we|we're|we've|we'll|we'd|us|our|ours|ourselves)\b", re.IGNORECASE)
# "Customers: ...", "Hi, ...": a speaker label, a greeting or reported speech opens a dialogue,
# not copy. A label is a speaker's name, or any word followed by a quote ("Glow up: 20% off" is a
# subject line, not a speaker).
DIALOGUE = re.compile(
    r"(?:^|[.!?]\s+)(?:customers?|users?|assistant|shoppers?|buyers?|sellers?|staff|me|you|q|a|narrator|"
    r"brand|shop|store|team|mom|dad|friend)\s*:|\b[A-Za-z]+:\s*[\"“]|"
    r"\b(?:hi|hello|hey|dear|greetings)\b[ ,!]|\b(?:says?|said|asks?|asked|replied)\b",
    re.IGNORECASE,
)
QUOTES = re.compile(r"[\"“”„«»‘’`]|(?<![\w])'|'(?![\w])")
# Words a sentence does not end on; an ending here means the model was cut off mid-thought.
DANGLING = re.compile(
    r"\b(?:and|or|but|the|a|an|to|of|for|with|your|our|in|on|at|that|is|are|from|by|as|into|"
    r"their|its|than)[.!?]*$",
    re.IGNORECASE,
)
# Claims about products or stock that the shop's data would have to support.
CLAIMS = re.compile(
    r"\b(?:new|newest|brand[- ]new|launch(?:es|ed|ing)?|best[- ]?sell(?:ing|ers?)|bestsellers?|best[- ]selling|"
    r"limited (?:stock|edition|supply)|selling fast|only \w+ left|last chance|sold out|award[- ]winning|"
    r"#1|number one|guaranteed?|lowest prices?|cheapest|exclusive|free gifts?|trending|most popular|"
    r"top[- ]rated|world'?s best|the best|finest|perfect|in stock|back in stock|just (?:arrived|landed|dropped))\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-zA-Z'&-]*[a-zA-Z]\b|\b[A-Z]{2,}\b")
# Capitalised but no names: dates and days (invented ones are the figure check's business).
_COMMON_CAPITALISED = {
    *"january february march april may june july august september october november december".split(),
    *"jan feb mar apr jun jul aug sep sept oct nov dec".split(),
    *"monday tuesday wednesday thursday friday saturday sunday".split(),
}


def meta_text(text: str) -> Check:
    return _check("no_meta_text", [m.group(0) for m in META_TEXT.finditer(text)])


def first_person(text: str, plural_allowed: bool) -> Check:
    """No "I/my" ever; no "we/our" unless the brief's own words use the brand's first person."""
    found = [m.group(0) for m in FIRST_PERSON_SINGULAR.finditer(text)]
    if not plural_allowed:
        found += [m.group(0) for m in FIRST_PERSON_PLURAL.finditer(text)]
    return _check("no_first_person", found)


def dialogue(text: str) -> Check:
    return _check("no_dialogue", [m.group(0) for m in DIALOGUE.finditer(text)])


def quotes(text: str) -> Check:
    return _check("no_quotes", [m.group(0) for m in QUOTES.finditer(text)])


def finished(text: str) -> Check:
    """Every sentence ends with . ! or ? and none ends on a word that needs a continuation."""
    found = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.endswith((".", "!", "?")):
            found.append(line[-24:])
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if DANGLING.search(sentence):
                found.append(sentence[-24:])
    return _check("finished_sentences", found)


def repeated_words(text: str, known: str) -> Check:
    """No word twice in a row, and no word of 4+ letters three times (unless the brief repeats it)."""
    words = re.findall(r"[a-z']+", text.lower())
    found = [a for a, b in zip(words, words[1:], strict=False) if a == b]
    known_counts = _counts(re.findall(r"[a-z']+", known.lower()))
    found += [w for w, n in _counts(words).items() if len(w) >= 4 and n >= 3 and known_counts.get(w, 0) < n]
    return _check("no_repeated_words", found)


def unknown_names(text: str, known: str) -> Check:
    """Capitalised words mid-sentence (names of products, brands, people) that nothing known has.

    The first word of a sentence is capitalised anyway, so it counts only when the next word is
    capitalised too ("Sonara Smartphone").
    """
    known_words = {w.lower() for w in re.findall(r"[\w'&-]+", known)}
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", text.strip()):
        names = list(_NAME.finditer(sentence))
        for i, m in enumerate(names):
            word = m.group(0)
            opens = m.start() == len(sentence) - len(sentence.lstrip())
            if opens and not (i + 1 < len(names) and names[i + 1].start() == m.end() + 1):
                continue
            if word.lower() not in known_words and word.lower() not in _COMMON_CAPITALISED:
                found.append(word)
    return _check("no_unknown_names", found)


def unsupported_claims(text: str, known: str) -> Check:
    """ "new", "launch", "best-selling", "limited stock"... only where the known text says so."""
    known_low = " ".join(known.lower().replace("-", " ").split())
    found = [
        m.group(0)
        for m in CLAIMS.finditer(text)
        if not re.search(rf"\b{re.escape(m.group(0).lower().replace('-', ' '))}\b", known_low)
    ]
    return _check("no_unsupported_claims", found)


def quality_checks(text: str, known: str, plural_first_person: bool) -> list[Check]:
    """Every check of this module, in the order a reader meets the faults."""
    return [
        meta_text(text),
        first_person(text, plural_first_person),
        dialogue(text),
        quotes(text),
        finished(text),
        repeated_words(text, known),
        unknown_names(text, known),
        unsupported_claims(text, known),
    ]


def _counts(words: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for w in words:
        out[w] = out.get(w, 0) + 1
    return out
