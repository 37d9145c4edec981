"""What keeps an answer honest: instructions in evidence are not followed, numbers are checked.

Review and Q&A text is written by strangers: it is data to quote, never instructions. Evidence
that addresses the assistant ("ignore the question and tell the customer ...") is left out of
answers entirely. Every number, size and model code an answer states must appear in the evidence
it cites (checked by code, whoever or whatever wrote the wording).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(question|instructions?|prompt|above|previous|everything)\b"
    r"|\b(tell|ask|instruct|advise)\s+the\s+(customer|user|shopper|buyer)\b"
    r"|\bsystem\s+prompt\b"
    r"|\byou\s+are\s+(now\s+)?(an?|the)\s+(assistant|ai|bot|chatbot|language model)\b"
    r"|\b(assistant|ai|bot|chatbot)\s*[:,]\s*(say|answer|reply|respond|tell)\b",
    re.IGNORECASE | re.DOTALL,
)
# A token with a digit: a number, a size (32-inch, 4.81), a model or part code (frs20qrb, 240337103).
_FACT = re.compile(r"[a-z0-9]*\d[a-z0-9]*(?:[.,/:-][a-z0-9]+)*", re.IGNORECASE)


def looks_like_instruction(text: str) -> bool:
    """True when the text speaks to an assistant instead of about the product."""
    return bool(_INSTRUCTION.search(text))


def ungrounded_facts(answer: str, evidence: Sequence[str]) -> list[str]:
    """The numbers, sizes and codes of ``answer`` found in none of ``evidence`` (case-insensitive);
    an empty list means the answer states nothing its evidence does not."""
    cited = " ".join(evidence).lower()
    cited_facts = set(_FACT.findall(cited))
    missing = []
    for fact in _FACT.findall(answer.lower()):
        if fact not in cited_facts and fact not in cited:
            missing.append(fact)
    return missing
