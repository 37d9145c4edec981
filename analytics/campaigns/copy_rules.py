"""The rules campaign copy must obey, checked by code: channels, offers, briefs and ``check_copy``.

Small language models drift from facts and limits, so nothing they write is shown until every
rule here passes (``analytics.campaigns.copywriter`` generates, these rules decide). The module needs no
model: briefs are validated and copy is checked with plain string rules.

Facts of an offer have one canonical rendering (what the prompt asks for and what framing
writes) and a few documented equivalent forms that the checks also accept:

| fact | canonical | also accepted |
|---|---|---|
| discount_percent | ``20%`` | ``20 %``, ``20 percent`` |
| discount_amount | ``$15`` / ``€15`` / ``£15`` / ``15 CHF`` | ``15 USD``, ``USD 15``, ``$15.00`` |
| free_shipping | ``free shipping`` | ``free delivery`` (any case) |
| product, category | as written in the offer | any case |
| end_date | ``24 Dec`` | ``Dec 24``, ``24 December``, ``December 24``, ``24th``, ISO ``2026-12-24`` |
| code | ``XMAS20`` | nothing else: codes are case-sensitive |
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

from analytics.trust.privacy import mask_pii


class BriefError(ValueError):
    """A brief field has a bad value; ``field`` names it (e.g. ``offer.code``) for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ChannelSpec:
    """Limits of one channel. ``short`` channels are shown whole; long ones stream."""

    label: str
    max_chars: int
    min_chars: int
    short: bool
    max_new_tokens: int
    single_line: bool = True
    opt_out: str = ""  # text every message must carry (SMS regulations)


SMS_OPT_OUT = "Reply STOP to opt out"

CHANNELS: dict[str, ChannelSpec] = {
    "email_subject": ChannelSpec("email subject line", 60, 15, True, 24),
    "email_body": ChannelSpec("marketing email body", 600, 120, False, 160, single_line=False),
    "push": ChannelSpec("push notification", 110, 20, True, 32),
    "sms": ChannelSpec("SMS text message", 160, 40, True, 32, opt_out=SMS_OPT_OUT),
    "search_headline": ChannelSpec("search ad headline", 30, 10, True, 12),
    "search_description": ChannelSpec("search ad description", 90, 30, False, 32),
    "social_caption": ChannelSpec("social media caption", 220, 40, False, 64, single_line=False),
}

TONES = ("friendly", "playful", "urgent", "elegant", "professional", "warm", "bold")
LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "nl": "Dutch"}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
CODE_PATTERN = re.compile(r"^[A-Z0-9-]{3,20}$")
MONTHS = ("January February March April May June July August September October November December").split()

# Field length limits: they bound prompt size and stop a form from smuggling in pages of text.
MAX_LEN = {"offer.text": 300, "offer.product": 60, "offer.category": 40, "notes": 400, "tone": 20}
MAX_AVOID_WORDS, MAX_AVOID_LEN = 30, 40
MAX_REQUIRED, MAX_REQUIRED_LEN = 5, 60
# Strings that would let a field open a new chat turn or fake the quoted-data block.
PROMPT_MARKERS = re.compile(r"<\|[^|>]*\|>|</?data>|<\s*/?\s*(system|user|assistant)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Offer:
    """A structured offer; ``text`` is the planner's free-text description (prompt context only)."""

    discount_percent: float | None = None
    discount_amount: float | None = None
    currency: str = "USD"
    free_shipping: bool = False
    product: str = ""
    category: str = ""
    end_date: date | None = None
    code: str = ""
    text: str = ""

    def facts(self) -> list[tuple[str, str]]:
        """(name, canonical string) of every fact the copy must state, in reading order."""
        out = []
        if self.discount_percent is not None:
            out.append(("discount", f"{_num(self.discount_percent)}%"))
        if self.discount_amount is not None:
            out.append(("discount", money(self.discount_amount, self.currency)))
        if self.product:
            out.append(("product", self.product))
        if self.category:
            out.append(("category", self.category))
        if self.free_shipping:
            out.append(("free_shipping", "free shipping"))
        if self.end_date is not None:
            out.append(("end_date", f"{self.end_date.day} {MONTHS[self.end_date.month - 1][:3]}"))
        if self.code:
            out.append(("code", self.code))
        return out

    def fact_patterns(self) -> list[tuple[str, str, re.Pattern]]:
        """(name, canonical, regex accepting the canonical and its documented equivalents)."""
        return [(name, text, _fact_regex(self, name, text)) for name, text in self.facts()]

    def headline(self) -> str:
        """The facts as one short clause, e.g. ``20% off dresses until 24 Dec, code XMAS20``."""
        return fact_clause(self, {name for name, _ in self.facts()})


def fact_clause(offer: Offer, names: set[str]) -> str:
    """The named facts of an offer as one clause in a fixed frame (what framing appends)."""
    facts = {k: v for k, v in offer.facts() if k in names}
    items = " ".join(facts[k] for k in ("product", "category") if k in facts)
    if "discount" in facts:
        line = f"{facts['discount']} off {items}".strip()
    else:
        line = f"Shop {items}" if items else ""
    if "free_shipping" in facts:
        line = f"{line} + free shipping" if line else "Free shipping"
    if "end_date" in facts:
        line = f"{line} until {facts['end_date']}" if line else f"Ends {facts['end_date']}"
    if "code" in facts:
        line = f"{line}, code {facts['code']}" if line else f"Code {facts['code']}"
    return line


def _num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def money(amount: float, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{_num(amount)}" if symbol else f"{_num(amount)} {currency}"


def _fact_regex(offer: Offer, name: str, text: str) -> re.Pattern:
    if name == "discount" and offer.discount_percent is not None and text.endswith("%"):
        n = re.escape(text[:-1])
        return re.compile(rf"(?<![\w.]){n}(?:\s?%|\s+percent\b)")
    if name == "discount":
        n = re.escape(_num(offer.discount_amount))
        cents = r"(?:\.00)?" if float(offer.discount_amount).is_integer() else ""
        cur = re.escape(offer.currency)
        sym = re.escape(CURRENCY_SYMBOLS.get(offer.currency, offer.currency))
        return re.compile(rf"(?:{sym}\s?{n}{cents}|{n}{cents}\s?{cur}\b|\b{cur}\s?{n}{cents})(?![\d.])")
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
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)  # product, category


# --- parsing --------------------------------------------------------------------------------

_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
_AMOUNT = re.compile(r"([$€£])\s?(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s?(USD|EUR|GBP|CHF)\b", re.IGNORECASE)
_FREE_SHIPPING = re.compile(r"\bfree\s+(?:shipping|delivery)\b", re.IGNORECASE)
_CODE = re.compile(r"\b(?:promo\s+|coupon\s+|discount\s+)?code\s*:?\s*([A-Za-z0-9-]{3,20})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:\s+(\d{4}))?\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_PRODUCT = re.compile(
    r"\boff\s+(?:all\s+|our\s+|the\s+)?([A-Za-z][A-Za-z &'-]{1,58}?)(?=\s+(?:until|till|through|"
    r"with|ends?|by|before|and|\+)\b|[,.;!]|$)",
    re.IGNORECASE,
)
_SYMBOL_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}


def parse_offer(text: str, today: date | None = None, **explicit) -> Offer:
    """Read an offer from free text; explicit field values win over what the text says.

    >>> [text for _, text in parse_offer("20% off dresses until 2026-12-24, code XMAS20, free shipping").facts()]
    ['20%', 'dresses', 'free shipping', '24 Dec', 'XMAS20']
    """
    text = text or ""
    found: dict = {"text": text}
    if m := _PERCENT.search(text):
        found["discount_percent"] = float(m[1])
    elif m := _AMOUNT.search(text):
        found["discount_amount"] = float(m[2] or m[3])
        found["currency"] = _SYMBOL_CURRENCY.get(m[1]) if m[1] else m[4].upper()
    found["free_shipping"] = bool(_FREE_SHIPPING.search(text))
    if m := _CODE.search(text):
        found["code"] = m[1]
    if (end := _parse_date(text, today or date.today())) is not None:
        found["end_date"] = end
    if m := _PRODUCT.search(text):
        found["product"] = m[1].strip()
    found.update({k: v for k, v in explicit.items() if v is not None})
    return Offer(**found)


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
    word = word.lower()
    for i, name in enumerate(MONTHS):
        if len(word) >= 3 and name.lower().startswith(word):
            return i + 1
    return None


# --- briefs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brief:
    """What the planner asks for; build it with ``validate_brief`` so every field is checked."""

    channel: str
    offer: Offer
    segment_id: int | None = None
    run_id: int | None = None
    tone: str = "friendly"
    language: str = "en"
    avoid_words: tuple[str, ...] = ()
    required_phrases: tuple[str, ...] = ()
    variants: int = 3
    notes: str = ""

    @property
    def spec(self) -> ChannelSpec:
        return CHANNELS[self.channel]


def validate_brief(
    channel: str,
    offer: Offer | str,
    *,
    segment_id: int | None = None,
    run_id: int | None = None,
    tone: str = "friendly",
    language: str = "en",
    avoid_words: tuple[str, ...] | list[str] = (),
    required_phrases: tuple[str, ...] | list[str] = (),
    variants: int = 3,
    notes: str = "",
    today: date | None = None,
) -> Brief:
    """A checked ``Brief``; raises ``BriefError`` naming the first bad field."""
    today = today or date.today()
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise BriefError("channel", f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
    if isinstance(offer, str):
        _check_text("offer.text", offer, MAX_LEN["offer.text"])
        offer = parse_offer(offer, today=today)
    if not isinstance(offer, Offer):
        raise BriefError("offer", "must be an Offer or its text")
    _check_offer(offer, today)
    _check_id("segment_id", segment_id)
    _check_id("run_id", run_id)
    if not isinstance(tone, str) or tone not in TONES:
        raise BriefError("tone", f"unknown tone {str(tone)[:40]!r}; one of {', '.join(TONES)}")
    if not isinstance(language, str) or language not in LANGUAGES:
        raise BriefError("language", f"unsupported language {str(language)[:20]!r}; one of {', '.join(LANGUAGES)}")
    avoid = _check_words("avoid_words", avoid_words, MAX_AVOID_WORDS, MAX_AVOID_LEN)
    required = _check_words("required_phrases", required_phrases, MAX_REQUIRED, MAX_REQUIRED_LEN)
    if isinstance(variants, bool) or not isinstance(variants, int) or not 1 <= variants <= 10:
        raise BriefError("variants", f"must be a whole number from 1 to 10, not {str(variants)[:20]!r}")
    _check_text("notes", notes, MAX_LEN["notes"], multiline=True)
    brief = Brief(channel, offer, segment_id, run_id, tone, language, avoid, required, variants, notes)
    _check_consistency(brief)
    return brief


def _check_offer(offer: Offer, today: date) -> None:
    p, a = offer.discount_percent, offer.discount_amount
    if p is not None and (not _is_number(p) or not 0 < p < 100):
        raise BriefError("offer.discount_percent", f"must be above 0 and below 100, not {str(p)[:20]!r}")
    if a is not None and (not _is_number(a) or not 0 < a <= 100_000):
        raise BriefError("offer.discount_amount", f"must be a positive amount, not {str(a)[:20]!r}")
    if p is not None and a is not None:
        raise BriefError("offer.discount_amount", "give a percent or an amount, not both")
    if not isinstance(offer.currency, str) or not re.fullmatch(r"[A-Z]{3}", offer.currency):
        raise BriefError("offer.currency", f"must be a 3-letter code such as USD, not {str(offer.currency)[:20]!r}")
    if not isinstance(offer.free_shipping, bool):
        raise BriefError("offer.free_shipping", "must be true or false")
    _check_text("offer.product", offer.product, MAX_LEN["offer.product"])
    _check_text("offer.category", offer.category, MAX_LEN["offer.category"])
    _check_text("offer.text", offer.text, MAX_LEN["offer.text"], multiline=True)
    for name in ("offer.product", "offer.category"):
        if re.search(r"\d", getattr(offer, name.split(".")[1])):
            raise BriefError(name, "must not contain figures (they would read as invented numbers)")
    _check_end_date(offer.end_date, today)
    if offer.code and (not isinstance(offer.code, str) or not CODE_PATTERN.fullmatch(offer.code)):
        raise BriefError("offer.code", "must be 3-20 capital letters, digits or dashes (e.g. XMAS20)")
    if not offer.facts():
        raise BriefError("offer", "states nothing: give a discount, free shipping, a product or a code")


def _check_end_date(end: object, today: date) -> None:
    if end is None:
        return
    if isinstance(end, datetime) or not isinstance(end, date):
        raise BriefError("offer.end_date", f"must be a date, not {str(end)[:30]!r}")
    if end < today:
        raise BriefError("offer.end_date", f"{end.isoformat()} is in the past")
    if (end - today).days > 366:
        raise BriefError("offer.end_date", f"{end.isoformat()} is more than a year away")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _check_id(name: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise BriefError(name, f"must be a non-negative whole number, not {str(value)[:20]!r}")


def _check_text(name: str, value: object, limit: int, multiline: bool = False) -> None:
    if not isinstance(value, str):
        raise BriefError(name, f"must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise BriefError(name, f"is {len(value)} characters long; at most {limit}")
    allowed = "\n" if multiline else ""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and c not in allowed for c in value):
        raise BriefError(name, "contains control or invisible characters")
    if PROMPT_MARKERS.search(value):
        raise BriefError(name, "contains prompt markup such as <|im_start|> or <data>")
    if mask_pii(value) != value:
        raise BriefError(name, "contains personal data (an email, phone or card number); remove it")


def _check_words(name: str, values: object, max_items: int, max_len: int) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise BriefError(name, "must be a list of words or phrases")
    if len(values) > max_items:
        raise BriefError(name, f"has {len(values)} entries; at most {max_items}")
    out = []
    for value in values:
        _check_text(name, value, max_len)
        if not value.strip():
            raise BriefError(name, "has an empty entry")
        if re.search(r"\d|[%$€£]", value):
            raise BriefError(name, f"{value!r} contains figures; put figures in the offer")
        out.append(" ".join(value.split()))
    return tuple(out)


def _check_consistency(brief: Brief) -> None:
    spec = brief.spec
    for phrase in brief.required_phrases:
        if _avoid_hits(phrase, brief.avoid_words):
            raise BriefError("required_phrases", f"{phrase!r} contains a word to avoid")
    for name, text in brief.offer.facts():
        if _avoid_hits(text, brief.avoid_words):
            raise BriefError("avoid_words", f"the offer's {name} {text!r} uses a word to avoid")
    fixed = fixed_text(brief)
    # Room for at least a few words of the model's own beside the facts.
    if len(fixed) + 10 > spec.max_chars:
        raise BriefError(
            "offer",
            f"its facts and required text ({len(fixed)} characters) leave no room in a {spec.label} "
            f"({spec.max_chars} characters); shorten the offer or pick a longer channel",
        )


def fixed_text(brief: Brief) -> str:
    """The text framing adds when the model leaves every fact out: the longest fixed part."""
    parts = [brief.offer.headline() + ".", *[p + "." for p in brief.required_phrases]]
    if brief.spec.opt_out:
        parts.append(brief.spec.opt_out + ".")
    return " ".join(parts)


# --- checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


TEMPLATE_MARKERS = re.compile(
    r"\[[^\]]{0,40}\]|\{[^}]{0,40}\}|<[^>]{0,40}>|<\||\|>|\bX{3,}\b|lorem ipsum|\bplaceholder\b|"
    r"^\s*(?:subject(?: line)?|headline|caption|sms|push(?: notification)?|description|body|text|message|offer)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_FIGURE_TOKEN = re.compile(r"\S*(?:\d|[%$€£¥])\S*")
_MONTH_WORD = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|\bMay\s+\d"
)
_TIME_WORD = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|midnight|"
    r"weekend|today only|x-?mas|christmas|easter|halloween|thanksgiving|valentine'?s?|new year'?s?)\b",
    re.IGNORECASE,
)
# "code SUMMER" when the offer's code is XMAS20: an invented code has no digit to catch it.
_CODE_WORD = re.compile(r"\b(?:code|coupon)\s*:?\s*([A-Za-z][\w-]*)", re.IGNORECASE)
_CODE_FILLER = {"at", "and", "for", "to", "the", "in", "on", "now", "today", "below", "above", "is", "when", "if"}


def check_copy(text: str, brief: Brief, grounding: object | None = None) -> list[Check]:
    """Every rule of the brief's channel, applied to ``text``; all must pass before it is shown.

    ``grounding`` (a ``analytics.campaigns.copywriter.Grounding``) allows figures that appear in the featured
    product titles and forbids echoing the untrusted review snippets.
    """
    spec = brief.spec
    checks = [
        _length(text, spec),
        Check("single_line", not spec.single_line or "\n" not in text.strip(), "must be one line"),
    ]
    checks += _fact_checks(text, brief.offer)
    checks.append(_no_invented_figures(text, brief, _allowed_figures(grounding)))
    checks.append(_avoid_check(text, brief.avoid_words))
    missing = [p for p in brief.required_phrases if _normalise(p) not in _normalise(text)]
    checks.append(Check("required_phrases", not missing, f"missing {missing}" if missing else ""))
    if spec.opt_out:
        ok = _normalise(spec.opt_out) in _normalise(text)
        checks.append(Check("opt_out", ok, "" if ok else f"must include '{spec.opt_out}'"))
    checks.append(Check("no_pii", mask_pii(text) == text, "contains an email, phone or card number"))
    markers = TEMPLATE_MARKERS.findall(text)
    checks.append(Check("no_template_markers", not markers, f"found {markers[:3]}" if markers else ""))
    checks.append(_language(text, brief.language))
    checks.append(_no_untrusted_echo(text, grounding))
    return checks


def failures(checks: list[Check]) -> list[str]:
    """Human-readable reasons of the failed checks, e.g. ``fact:code: missing 'XMAS20'``."""
    return [f"{c.name}: {c.detail}" if c.detail else c.name for c in checks if not c.passed]


def passes(text: str, brief: Brief, grounding: object | None = None) -> bool:
    return all(c.passed for c in check_copy(text, brief, grounding))


def _length(text: str, spec: ChannelSpec) -> Check:
    n = len(text)
    ok = spec.min_chars <= n <= spec.max_chars
    return Check("length", ok, "" if ok else f"{n} characters; must be {spec.min_chars}-{spec.max_chars}")


def _fact_checks(text: str, offer: Offer) -> list[Check]:
    out = []
    for name, canonical, pattern in offer.fact_patterns():
        ok = bool(pattern.search(text))
        out.append(Check(f"fact:{name}", ok, "" if ok else f"missing '{canonical}'"))
    return out


def _allowed_figures(grounding: object | None) -> tuple[str, ...]:
    products = getattr(grounding, "products", ()) or ()
    titles = " ".join(title for title, _ in products)
    return tuple(_FIGURE_TOKEN.findall(titles))


def _no_invented_figures(text: str, brief: Brief, allowed: tuple[str, ...]) -> Check:
    """No number, price, percentage, code-like token or date other than the offer's."""
    rest = text
    for _, _, pattern in brief.offer.fact_patterns():
        rest = pattern.sub(" ", rest)
    for token in allowed:
        rest = re.sub(rf"(?<!\S){re.escape(token.strip('.,;:!?()'))}", " ", rest)
    for phrase in brief.required_phrases:
        rest = re.sub(re.escape(phrase), " ", rest, flags=re.IGNORECASE)
    found = [t.strip(".,;:!?()\"'") for t in _FIGURE_TOKEN.findall(rest)]
    found += [f"code {c}" for c in _CODE_WORD.findall(rest) if c.lower() not in _CODE_FILLER]
    found += _MONTH_WORD.findall(rest) + _TIME_WORD.findall(rest)
    found = [f for f in found if f]
    return Check("no_invented_figures", not found, f"found {found[:4]}" if found else "")


def _avoid_hits(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]


def _avoid_check(text: str, words: tuple[str, ...]) -> Check:
    hits = _avoid_hits(text, words)
    return Check("avoid_words", not hits, f"uses {hits}" if hits else "")


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _language(text: str, language: str) -> Check:
    """A sanity check, not a detector: mostly letters of the language's script, real words."""
    letters = [c for c in text if c.isalpha()]
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(letters) < 8 or len(words) < 2:
        return Check("language", False, "too few words")
    if language == "en":
        share = sum(c.isascii() for c in letters) / len(letters)
        detail = f"{share:.0%} of letters are English (a-z)"
    else:
        share = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters) / len(letters)
        detail = f"{share:.0%} of letters are Latin"
    return Check("language", share >= 0.97, "" if share >= 0.97 else detail)


def _no_untrusted_echo(text: str, grounding: object | None) -> Check:
    """Review snippets are data: no run of 5 words and no shouted word may be copied from them."""
    snippets = getattr(grounding, "snippets", ()) or ()
    if not snippets:
        return Check("no_untrusted_echo", True)
    trusted = _normalise(" ".join(_trusted_texts(grounding)))
    words = re.findall(r"\w+", text.lower())
    grams = {" ".join(words[i : i + 5]) for i in range(max(0, len(words) - 4))}
    for snippet in snippets:
        low = " ".join(re.findall(r"\w+", snippet.lower()))
        copied = [g for g in grams if g in low and g not in trusted]
        shouted = [w for w in re.findall(r"\b[A-Z]{4,}\b", snippet) if w in text and w.lower() not in trusted]
        if copied or shouted:
            return Check("no_untrusted_echo", False, f"copies review text {(copied + shouted)[:2]}")
    return Check("no_untrusted_echo", True)


def _trusted_texts(grounding: object) -> list[str]:
    products = getattr(grounding, "products", ()) or ()
    return [getattr(grounding, "segment_name", ""), *getattr(grounding, "segment_facts", ()), *[t for t, _ in products]]


def with_channel(brief: Brief, channel: str) -> Brief:
    """The same brief for another channel (re-validated)."""
    b = replace(brief, channel=channel)
    _check_consistency(b)
    return b
