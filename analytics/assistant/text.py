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
# Negation words that say something good ("no problem", "doesn't matter"): not a "no".
POSITIVE_NEGATIONS = re.compile(
    r"\b(no (problems?|issues?|complaints?|doubt)|not a problem|(doesn't|does not|didn't) matter|not only|"
    r"not bad|can't go wrong|(never|haven't|have not|didn't) had (a|any) (problem|issue)s?)\b"
)
# A number with its unit ("3 hours", "12v", "8.5 in"); units read alike share a key.
_MEASURE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s?(\"|[a-z]+)")
UNITS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("in", "inch", "inches", '"'), "inch"),
    **dict.fromkeys(("ft", "foot", "feet"), "foot"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "pound"),
    **dict.fromkeys(("oz", "ounce", "ounces"), "ounce"),
    **dict.fromkeys(("v", "volt", "volts", "vac", "vdc"), "volt"),
    **dict.fromkeys(("w", "watt", "watts"), "watt"),
    **dict.fromkeys(("mm", "millimeter", "millimeters"), "mm"),
    **dict.fromkeys(("cm", "centimeter", "centimeters"), "cm"),
    **dict.fromkeys(("l", "liter", "liters", "litre", "litres"), "litre"),
    **dict.fromkeys(("gal", "gallon", "gallons"), "gallon"),
    **dict.fromkeys(("yr", "yrs", "year", "years"), "year"),
    **dict.fromkeys(("month", "months"), "month"),
    **dict.fromkeys(("gb",), "gb"),
    **dict.fromkeys(("mah",), "mah"),
}


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
    text = POSITIVE_NEGATIONS.sub("fine", evidence.lower().strip().lstrip("\"'(-* "))
    if YES_START.match(text):
        return "yes"
    if any(h in text[:80] for h in HEDGES):
        return "unsure"
    if NO_START.match(text):
        return "no"
    first_sentence = re.split(r"[.!?;]\s", text, maxsplit=1)[0]
    return "no" if NEGATIONS.search(first_sentence) else "yes"


def measures(text: str) -> set[tuple[float, str]]:
    """(value, unit) of every number with a known unit in ``text``: "3 hours" and "3 hrs" alike."""
    return {(float(n), UNITS[u]) for n, u in _MEASURE.findall(text.lower()) if u in UNITS}


def answer_stance(question: str, evidence: str) -> str:
    """What the evidence answers to a yes/no question: ``stance``, except that evidence stating
    a measure in the question's unit but never the question's value ("1 hr to charge?" - "3 hours
    to charge") answers no unless it opens with a yes. An earlier answer's own question is not
    evidence."""
    said = stance(evidence)
    body = re.sub(r"\s*\(asked: .*\)$", "", evidence, flags=re.DOTALL)
    asked, stated = measures(question), measures(body)
    units = {u for _, u in asked} & {u for _, u in stated}
    if said != "no" and units and not asked & stated and not YES_START.match(body.lower().lstrip()):
        return "no"
    return said
