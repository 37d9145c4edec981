"""Words of questions and evidence: tokens for BM25, the question's type, the evidence's stance."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
# Function words carry no evidence of topic; "not" and "no" stay (they carry the answer).
STOPWORDS = frozenset(
    "a an the and or of to in on for with at by from as is are was were be been it its this that these those "
    "i you he she we they me my your our their them do does did can could will would should may might "
    "there here what which who whom how when where why if so than then too very just about into".split()
)
YES_NO_STARTS = frozenset(
    "is are was were am do does did can could will would should has have had may might must "
    "isn't aren't doesn't don't can't won't".split()
)
YES_START = re.compile(r"^(yes|yeah|yep|yup|absolutely|definitely|sure|of course|correct)\b")
NO_START = re.compile(r"^(no|nope|not|unfortunately|negative)\b")
HEDGES = (
    "not sure",
    "i'm not sure",
    "im not sure",
    "don't know",
    "dont know",
    "i think",
    "i believe",
    "probably",
    "maybe",
    "not certain",
    "i assume",
    "i am assuming",
    "i'm assuming",
    "might ",
)
NEGATIONS = re.compile(r"\b(not|no|never|doesn't|don't|won't|can't|cannot|isn't|aren't|wasn't|didn't)\b")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without function words (numbers and model codes kept whole)."""
    return [t for t in _WORD.findall(text.lower()) if t not in STOPWORDS]


def is_yes_no(question: str) -> bool:
    """True when the question asks for a yes or a no ("Will this fit ...?", "Is it waterproof?"),
    also after a preamble sentence ("My model is X. Will this fit?")."""
    sentences = [s for s in re.split(r"[.?!]\s+|\n", question.lower()) if s.strip()]
    return any(s.strip().split(" ", 1)[0] in YES_NO_STARTS for s in sentences)


def stance(evidence: str) -> str:
    """What a piece of evidence says to a yes/no question: yes, no or unsure.

    Earlier answers and reviews usually open with their verdict ("yes, it fits"); a hedge
    ("not sure", "I think") is unsure; a statement without negation is read as a yes (catalog
    text states what the product is or has).
    """
    text = evidence.lower().strip().lstrip("\"'(-* ")
    if YES_START.match(text):
        return "yes"
    if any(h in text[:80] for h in HEDGES):
        return "unsure"
    if NO_START.match(text):
        return "no"
    first_sentence = re.split(r"[.!?;]\s", text, maxsplit=1)[0]
    return "no" if NEGATIONS.search(first_sentence) else "yes"
