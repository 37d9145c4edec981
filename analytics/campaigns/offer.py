"""The offer of a campaign, whole: every fact a planner writes, parsed, rendered and proved present.

A planner writes an offer as a line of text ("20% off all garden tools this weekend for members,
code GROW20"). ``parse_offer`` reads it into an ``Offer``: discount (percent, amount, "up to",
"buy 2 get 1"), scope ("on all garden tools", "sitewide", "on orders over $50"), validity ("this
weekend", "until Friday", "ends Sunday midnight", a date), code, free shipping and audience ("for
members"). A word the parser cannot place is an error naming it: a fact silently dropped would
let copy promise more than the offer gives (free shipping on everything, forever).

Each fact has one canonical wording (what the channel patterns write) and a regex that the fact
check uses to prove a text states it; the few equivalent forms it accepts are documented at
``fact_regex``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_SYMBOL_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}


class BriefError(ValueError):
    """A brief field has a bad value; ``field`` names it (e.g. ``offer.code``) for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Offer:
    """A structured offer; ``text`` is the planner's own line, kept for the audit and the prompt."""

    discount_percent: float | None = None
    discount_amount: float | None = None
    currency: str = "USD"
    up_to: bool = False  # "up to 30% off": the figure is a ceiling, and the copy must say so
    buy: int | None = None  # "buy 2 get 1 free"
    get: int | None = None
    free_shipping: bool = False
    product: str = ""
    category: str = ""
    scope: str = ""  # what the offer covers: "all garden tools", "orders over $50", "sitewide"
    end_date: date | None = None
    validity: str = ""  # when, in the planner's words: "this weekend", "until Friday"
    code: str = ""
    audience: str = ""  # who may use it: "members", "new customers"
    text: str = ""

    def facts(self) -> list[tuple[str, str]]:
        """(name, canonical wording) of every fact the copy must state, in reading order."""
        out = []
        if deal := self.deal():
            out.append(("discount", deal))
        for name in ("product", "category", "scope"):
            if getattr(self, name):
                out.append((name, getattr(self, name)))
        if self.free_shipping:
            out.append(("free_shipping", "free shipping"))
        if self.audience:
            out.append(("audience", f"for {self.audience}"))
        if self.validity:
            out.append(("validity", self.validity))
        elif self.end_date is not None:
            out.append(("end_date", f"until {self.end_date.day} {MONTHS[self.end_date.month - 1][:3]}"))
        if self.code:
            out.append(("code", self.code))
        return out

    def deal(self) -> str:
        """The discount in words: ``20% off``, ``up to $15 off``, ``buy 2 get 1 free`` or ''."""
        if self.buy is not None and self.get is not None:
            return f"buy {self.buy} get {self.get} free"
        prefix = "up to " if self.up_to else ""
        if self.discount_percent is not None:
            return f"{prefix}{_num(self.discount_percent)}% off"
        if self.discount_amount is not None:
            return f"{prefix}{money(self.discount_amount, self.currency)} off"
        return ""

    def fact_patterns(self) -> list[tuple[str, str, re.Pattern]]:
        """(name, canonical, regex accepting the canonical and its documented equivalents)."""
        return [(name, text, fact_regex(self, name, text)) for name, text in self.facts()]


def _num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def money(amount: float, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{_num(amount)}" if symbol else f"{_num(amount)} {currency}"


def _money_regex(amount: float, currency: str) -> str:
    n = re.escape(_num(amount))
    cents = r"(?:\.00)?" if float(amount).is_integer() else ""
    cur = re.escape(currency)
    sym = re.escape(CURRENCY_SYMBOLS.get(currency, currency))
    # Not followed by more digits ("$60.5", "$600"); a full stop ending the sentence is fine.
    return rf"(?:{sym}\s?{n}{cents}|{n}{cents}\s?{cur}\b|\b{cur}\s?{n}{cents})(?!\.?\d)"


def _phrase_regex(phrase: str) -> str:
    """A phrase in any case and spacing, money in its documented forms."""
    parts = []
    for token in phrase.split():
        if m := re.fullmatch(r"([$€£])(\d+(?:\.\d{1,2})?)", token):
            parts.append(_money_regex(float(m[2]), _SYMBOL_CURRENCY[m[1]]))
        else:
            parts.append(re.escape(token))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def fact_regex(offer: Offer, name: str, text: str) -> re.Pattern:
    """The regex proving a text states one fact.

    Accepted besides the canonical wording: ``20 %`` and ``20 percent``; ``15 USD``, ``USD 15``
    and ``$15.00``; "save 20%" for "20% off"; "free delivery"; any case for words; the date as
    ``24 Dec``, ``Dec 24``, ``24 December``, ``24th`` or ISO. "up to" must stay with its figure
    and a code must be exact (codes are case-sensitive).
    """
    if name == "discount" and offer.buy is not None:
        return re.compile(rf"\bbuy\s+{offer.buy},?\s+get\s+{offer.get}(?:\s+free)?\b", re.IGNORECASE)
    if name == "discount":
        up_to = r"up\s+to\s+" if offer.up_to else r"(?<!up to )"
        if offer.discount_percent is not None:
            figure = rf"{re.escape(_num(offer.discount_percent))}(?:\s?%|\s+percent\b)"
        else:
            figure = _money_regex(offer.discount_amount, offer.currency)
        return re.compile(rf"(?:(?<![\w.]){up_to}{figure}(?:\s+off\b)?|\bsave\s+{up_to}{figure})", re.IGNORECASE)
    if name == "end_date":
        d = offer.end_date
        month = MONTHS[d.month - 1]
        mon = rf"(?:{month}|{month[:3]}\.?)"
        day = rf"{d.day}(?:st|nd|rd|th)?"
        return re.compile(rf"\b(?:{day}\s+{mon}|{mon}\s+{day}|{d.isoformat()})\b")
    if name == "free_shipping":
        return re.compile(r"\bfree\s+(?:shipping|delivery)\b", re.IGNORECASE)
    if name == "code":
        return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")
    if name == "audience":
        return re.compile(_phrase_regex(offer.audience), re.IGNORECASE)
    return re.compile(_phrase_regex(text), re.IGNORECASE)  # product, category, scope, validity


# --- parsing --------------------------------------------------------------------------------

_MONEY = r"(?:[$€£]\s?\d+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?\s?(?:USD|EUR|GBP|CHF)\b)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|midnight)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?|"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
)
_WHEN = rf"(?:{_DAY}(?:\s+(?:midnight|noon|night|evening))?|{_DATE})"

# Each fact: (name, regex). Matched spans are cut out of the text in this order; what is left
# must be filler words, or the offer names a word it cannot place.
_CODE = re.compile(r"\b(?:(?:use|with)\s+)?(?:promo\s+|coupon\s+|discount\s+)?code\s*:?\s*([A-Za-z0-9-]{3,20})\b", re.I)
_VALIDITY = re.compile(
    rf"\b(?:this\s+weekend(?:\s+only)?|this\s+week(?:\s+only)?|today\s+only|today|tonight\s+only|tonight|"
    rf"for\s+(?:\d{{1,2}}|one|two|three)\s+(?:hours?|days?)(?:\s+only)?|"
    rf"(?:until|till|through|thru|ends?|ending|by|before|valid\s+until)\s+{_WHEN}|"
    rf"(?:from|on)\s+{_WHEN}\s+(?:to|until|till)\s+{_WHEN}|all\s+weekend|{_DATE})",
    re.I,
)
_BOGO = re.compile(r"\bbuy\s+(\d)\s*,?\s*get\s+(\d)(?:\s+free)?\b", re.I)
# "off" stays in the text: "20% off dresses" leaves "off dresses" for the scope.
_PERCENT = re.compile(r"\b(up\s+to\s+)?(\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)", re.I)
_AMOUNT = re.compile(rf"(up\s+to\s+)?({_MONEY})", re.I)
_FREE_SHIPPING = re.compile(r"\bfree\s+(?:shipping|delivery)\b", re.I)
_ORDERS = re.compile(rf"\b(?:on\s+)?((?:all\s+)?orders\s+(?:over|above|of)\s+{_MONEY})", re.I)
_SCOPE = re.compile(
    r"\b(?:(?:on\s+|off\s+)?(sitewide|site-wide|storewide|everything)\b|"
    r"(?:on|off)\s+((?:all\s+|our\s+|the\s+|every\s+|selected\s+)?[a-z][a-z'&-]*(?:\s+(?!(?:for|until|till|"
    r"through|with|and\s+(?:free|get|save|enjoy|a|an)|a|an|free|get|save|ends?|by|this|today|code|plus|on|off|from)\b)[a-z][a-z'&-]*){0,3}))",
    re.I,
)
_AUDIENCE = re.compile(
    r"\b(?:for|to)\s+((?:our\s+|all\s+)?(?:new\s+|loyal\s+|vip\s+|first-time\s+|returning\s+)?"
    r"(?:members|customers|subscribers|students|shoppers|buyers|club members|loyalty members|vips))(?:\s+only)?\b",
    re.I,
)
FILLER = {
    "and", "with", "plus", "+", "get", "enjoy", "save", "now", "only", "all", "off", "on", "the", "a",
    "an", "extra", "deal", "sale", "offer", "special", "our", "your", "shop", "at", "checkout", "-",
}  # fmt: skip


def parse_offer(text: str, today: date | None = None, **explicit) -> Offer:
    """Read an offer from the planner's text; explicit field values win over what the text says.

    Raises ``BriefError("offer.text", ...)`` naming the words it cannot place.

    >>> [t for _, t in parse_offer("20% off all garden tools this weekend, code GROW20").facts()]
    ['20% off', 'all garden tools', 'this weekend', 'GROW20']
    """
    text = text or ""
    rest = text
    found: dict = {"text": text}

    def take(pattern: re.Pattern) -> re.Match | None:
        nonlocal rest
        m = pattern.search(rest)
        if m:
            rest = rest[: m.start()] + " , " + rest[m.end() :]
        return m

    if m := take(_CODE):
        found["code"] = m[1]
    if m := take(_VALIDITY):
        _read_validity(m[0], today or date.today(), found)
    orders = take(_ORDERS)  # before the discount: "orders over $50" holds an amount that is no discount
    if m := take(_BOGO):
        found["buy"], found["get"] = int(m[1]), int(m[2])
    elif m := take(_PERCENT):
        found["up_to"], found["discount_percent"] = bool(m[1]), float(m[2])
    elif m := take(_AMOUNT):
        found["up_to"] = bool(m[1])
        found["discount_amount"], found["currency"] = _read_money(m[2])
    found["free_shipping"] = bool(take(_FREE_SHIPPING))
    if m := take(_AUDIENCE):
        found["audience"] = " ".join(m[1].split())
    if orders:
        found["scope"] = " ".join(orders[1].split())
    elif m := take(_SCOPE):
        scope = " ".join((m[1] or m[2]).split()).lower().replace("site-wide", "sitewide")
        # "pots and free shipping": the connector belonged to the fact taken out after it.
        found["scope"] = re.sub(r"\s+(?:and|with|plus)$", "", scope)
    _no_leftovers(rest, text)
    found.update({k: v for k, v in explicit.items() if v is not None})
    return Offer(**found)


def _read_money(token: str) -> tuple[float, str]:
    token = token.strip()
    if token[0] in _SYMBOL_CURRENCY:
        return float(token[1:].strip()), _SYMBOL_CURRENCY[token[0]]
    m = re.fullmatch(r"(\d+(?:\.\d{1,2})?)\s?([A-Za-z]{3})", token)
    return float(m[1]), m[2].upper()


def _read_validity(phrase: str, today: date, found: dict) -> None:
    """A date becomes ``end_date`` (rendered ``until 24 Dec``); other phrases are kept as written."""
    phrase = " ".join(phrase.split())
    day = _parse_date(phrase, today)
    if day is None and re.search(r"\d", phrase) and not re.search(r"\b(?:hours?|days?)\b", phrase, re.I):
        raise BriefError("offer.text", f"{phrase!r} is not a date (write 24 Dec or 2026-12-24)")
    if day is not None and re.fullmatch(
        rf"(?:(?:until|till|through|thru|ends?|ending|by|valid until)\s+)?{_DATE}", phrase, re.I
    ):
        found["end_date"] = day
        return
    found["validity"] = phrase[0].lower() + phrase[1:]


def _no_leftovers(rest: str, text: str) -> None:
    words = [w for w in re.findall(r"[\w'%$€£+-]+", rest) if w.lower() not in FILLER]
    if words:
        raise BriefError(
            "offer.text",
            f"cannot place {' '.join(words)!r} in {text!r}: write the offer as a discount (20% off, $10 off, "
            "up to 30% off, buy 2 get 1), scope (on all garden tools, sitewide, on orders over $50), validity "
            "(this weekend, until Friday, until 24 Dec), code, free shipping or audience (for members)",
        )


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:\s+(\d{4}))?\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")


def _parse_date(text: str, today: date) -> date | None:
    if m := _ISO_DATE.search(text):
        try:
            return date.fromisoformat(m[1])
        except ValueError:
            return None
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in pattern.finditer(text):
            month = _month_number(m[month_group])
            if month:
                year = int(m[3]) if m[3] else today.year
                try:
                    d = date(year, month, int(m[day_group]))
                except ValueError:
                    continue
                # "24 Dec" without a year means the next 24 Dec.
                return d if m[3] or d >= today else d.replace(year=year + 1)
    return None


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    for i, name in enumerate(MONTHS):
        if len(word) >= 3 and name.lower().startswith(word):
            return i + 1
    return None
