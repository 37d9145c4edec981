"""Review text of the demo shop, assembled from phrases about named aspects.

THIS TEXT IS SYNTHETIC. It is built from the templates below, so a sentiment model that
reads it well has learnt these templates, not customers. Never quote a model's accuracy
measured on demo reviews; measure on real rated reviews (DESIGN.md, "Models").

A review mentions one to three aspects (delivery, price/value, quality, size/fit,
customer service, packaging), each praised or criticised; aspects of opposite polarity are
joined by a contrast ("great quality but delivery was slow"). Intensifiers, hedges,
openers and closers vary the phrasing. Emails and phone numbers use reserved ranges
(example.com, 555-01xx, +44 7700 900xxx) so PII masking can be tested on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

ASPECTS = ("delivery", "value", "quality", "fit", "service", "packaging")

PHRASES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("delivery", True): (
        "Delivery was {i} fast.",
        "It arrived a day earlier than promised.",
        "Shipping was quick and the tracking was accurate.",
        "It came sooner than expected.",
        "Fast delivery, no complaints there.",
        "Arrived within two days.",
    ),
    ("delivery", False): (
        "Delivery was {i} slow.",
        "It took almost three weeks to arrive.",
        "The parcel arrived a week late.",
        "Shipping took forever and the tracking never updated.",
        "The courier left it at the wrong address first.",
        "Delivery was late twice.",
    ),
    ("value", True): (
        "{I} good value for the price.",
        "Worth every penny.",
        "For this price you can't go wrong.",
        "Cheaper than elsewhere and just as good.",
        "Great deal, especially with the sale discount.",
    ),
    ("value", False): (
        "Overpriced for what you get.",
        "Not worth the money.",
        "{I} expensive for this quality.",
        "You can find better for less.",
        "I expected more for the price.",
    ),
    ("quality", True): (
        "It feels {i} well made.",
        "Build quality is excellent.",
        "Solid and sturdy, feels premium.",
        "Works perfectly.",
        "The quality is better than I expected.",
        "Still going strong after a few weeks of daily use.",
    ),
    ("quality", False): (
        "It broke after two weeks.",
        "Feels cheap and flimsy.",
        "Stopped working after a few days.",
        "The quality is {i} poor.",
        "It scratches easily and already looks worn.",
        "The material feels {i} thin.",
    ),
    ("fit", True): (
        "Fits {i} well, true to size.",
        "The size is spot on.",
        "Perfect fit, I ordered my usual size.",
        "Comfortable and the cut is flattering.",
    ),
    ("fit", False): (
        "Runs {i} small, order a size up.",
        "Way too big, I had to send it back.",
        "The fit is odd, tight around the shoulders.",
        "Sizing is all over the place.",
        "Uncomfortable after an hour of wearing it.",
    ),
    ("service", True): (
        "Customer service was helpful and quick to reply.",
        "Support answered my question within minutes.",
        "Friendly service when I had a question about my order.",
        "The support team was {i} helpful.",
    ),
    ("service", False): (
        "Customer service never answered my emails.",
        "Support was {i} unhelpful.",
        "I had to call three times to get a reply.",
        "The returns process is a nightmare.",
        "Nobody from customer service got back to me.",
    ),
    ("packaging", True): (
        "Nicely packaged.",
        "Well packed, it arrived in perfect condition.",
        "The packaging was neat and recyclable.",
    ),
    ("packaging", False): (
        "The box arrived damaged.",
        "The packaging was flimsy and the item was scratched.",
        "Far too much plastic in the packaging.",
    ),
}

INTENSIFIERS = ("really", "very", "super", "pretty", "incredibly", "quite", "extremely")
HEDGES = ("Honestly, ", "To be fair, ", "I have to say ", "Overall, ", "In my opinion ", "For me, ")
CONTRASTS = (", but ", ", although ", ". However, ", ", though ", ". On the other hand, ")
ADDITIONS = (" and ", ". Also, ", ". ", ", plus ")

OPENERS = {
    1: ("Love it!", "Very happy with {this} {noun}.", "Exactly what I needed.", "Great purchase."),
    0: ("It's okay.", "Mixed feelings about {this} one.", "Not bad, not great.", "Does the job."),
    -1: (
        "Very disappointed.",
        "Not happy with this purchase.",
        "What a letdown.",
        "Regret buying {this} {noun}.",
    ),
}
CLOSERS = {
    1: ("Would recommend.", "Will buy again.", "Highly recommended.", "Happy customer here."),
    0: ("It's fine for now.", "Might buy again if it's on sale.", "Okay for the price."),
    -1: ("Would not recommend.", "Avoid.", "Never again.", "I'm shopping elsewhere from now on."),
}
REFUND_CLOSERS = ("Sent it back for a refund.", "Returned it.", "Got my money back at least.")

TITLES = {
    5: ("Excellent", "Love it", "Perfect {noun}", "Great value", "Highly recommend", "Exactly as described"),
    4: ("Very good", "Happy overall", "Good {noun}", "Nice, with one small issue", "Solid choice"),
    3: ("Okay", "It's fine", "Average", "Mixed feelings", "Could be better", "Decent"),
    2: ("Disappointing", "Not great", "Expected better", "Meh", "Not worth it"),
    1: ("Terrible", "Waste of money", "Avoid", "Very poor", "Do not buy", "Awful experience"),
}

FIRST_NAMES = ("jane", "tom", "maria", "alex", "sam", "lena", "omar", "kate", "luis", "anna")
LAST_NAMES = ("doe", "smith", "meyer", "garcia", "rossi", "martin", "novak", "berg")


@dataclass(frozen=True)
class ReviewPlan:
    """Random choices for one review, drawn vectorised before the text is assembled."""

    aspects: tuple[int, ...]
    positive: tuple[bool, ...]
    mood: int  # -1, 0, 1: the text's overall tone
    text_rating: int  # the rating the text reads as (titles follow the text)
    noun: str
    refunded: bool
    u: np.ndarray  # uniform numbers for phrasing choices
    pii: int  # 0 none, 1 email, 2 phone


def write_review(plan: ReviewPlan) -> tuple[str, str]:
    """``(title, text)`` of one review."""
    u = iter(plan.u)
    noun = plan.noun.lower()
    this = "these" if noun.endswith("s") else "this"
    parts = []
    if next(u) < 0.4:
        parts.append(_pick(OPENERS[plan.mood], next(u)).format(this=this, noun=noun))
    body = ""
    for k, (aspect, positive) in enumerate(zip(plan.aspects, plan.positive, strict=True)):
        phrase = _phrase(ASPECTS[aspect], positive, u)
        if k == 0:
            body = _hedge(phrase, next(u)) if next(u) < 0.2 else phrase
        else:
            joiners = ADDITIONS if positive == plan.positive[k - 1] else CONTRASTS
            body = _join(body, _pick(joiners, next(u)), phrase)
    parts.append(body)
    if plan.refunded and next(u) < 0.5:
        parts.append(_pick(REFUND_CLOSERS, next(u)))
    elif next(u) < 0.35:
        parts.append(_pick(CLOSERS[plan.mood], next(u)))
    if plan.pii:
        parts.append(_pii(plan.pii, u))
    title = _pick(TITLES[plan.text_rating], next(u)).format(noun=noun)
    return title, " ".join(parts)


def _phrase(aspect: str, positive: bool, u: Iterator[float]) -> str:
    template = _pick(PHRASES[(aspect, positive)], next(u))
    intensifier = _pick(INTENSIFIERS, next(u))
    return template.format(i=intensifier, I=intensifier.capitalize())


def _hedge(sentence: str, x: float) -> str:
    return _pick(HEDGES, x) + _lower_first(sentence)


def _join(first: str, joiner: str, second: str) -> str:
    rest = second if joiner.endswith(". ") else _lower_first(second)
    return first.rstrip(".!") + joiner + rest


def _lower_first(sentence: str) -> str:
    if sentence.startswith(("I ", "I'")):  # "I" stays a capital inside a sentence
        return sentence
    return sentence[0].lower() + sentence[1:]


def _pii(kind: int, u: Iterator[float]) -> str:
    first, last = _pick(FIRST_NAMES, next(u)), _pick(LAST_NAMES, next(u))
    if kind == 1:
        return f"Questions? Email me at {first}.{last}{int(next(u) * 90) + 10}@example.com."
    if next(u) < 0.5:
        return f"Call me on +1 555-01{int(next(u) * 90) + 10} if you want details."
    return f"You can reach me on +44 7700 900{int(next(u) * 900) + 100}."


def _pick(options: tuple[str, ...], x: float) -> str:
    return options[min(int(x * len(options)), len(options) - 1)]
