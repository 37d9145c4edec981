"""The rules campaign copy must obey, checked by code: channels, briefs and ``check_copy``.

Nothing a model writes is shown until every rule here passes. The offer and its facts live in
``analytics.campaigns.offer``, the checks for what a planner would delete (meta-text, first
person, dialogue, unknown names, unsupported claims...) in ``analytics.campaigns.checks``, and the
team's channel patterns in ``analytics.campaigns.patterns``; this module ties them to a channel
and a brief. It needs no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

from analytics.campaigns import patterns
from analytics.campaigns.checks import Check, quality_checks
from analytics.campaigns.offer import BriefError, Offer, parse_offer
from analytics.trust.privacy import mask_pii


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
CODE_PATTERN = re.compile(r"^[A-Z0-9-]{3,20}$")

# Field length limits: they bound prompt size and stop a form from smuggling in pages of text.
MAX_LEN = {
    "offer.text": 300,
    "offer.product": 60,
    "offer.category": 40,
    "offer.scope": 60,
    "offer.validity": 40,
    "offer.audience": 40,
    "notes": 400,
    "tone": 20,
}
MAX_AVOID_WORDS, MAX_AVOID_LEN = 30, 40
MAX_REQUIRED, MAX_REQUIRED_LEN = 5, 60
# Strings that would let a field open a new chat turn or fake the quoted-data block.
PROMPT_MARKERS = re.compile(r"<\|[^|>]*\|>|</?data>|<\s*/?\s*(system|user|assistant)\s*>", re.IGNORECASE)


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
    if offer.buy is not None and (p is not None or a is not None):
        raise BriefError("offer.buy", "give 'buy N get M' or a discount, not both")
    if not isinstance(offer.currency, str) or not re.fullmatch(r"[A-Z]{3}", offer.currency):
        raise BriefError("offer.currency", f"must be a 3-letter code such as USD, not {str(offer.currency)[:20]!r}")
    if not isinstance(offer.free_shipping, bool):
        raise BriefError("offer.free_shipping", "must be true or false")
    for name in ("product", "category", "scope", "validity", "audience"):
        _check_text(f"offer.{name}", getattr(offer, name), MAX_LEN[f"offer.{name}"])
    if (offer.buy is None) != (offer.get is None) or (offer.buy is not None and not 1 <= offer.get <= offer.buy <= 9):
        raise BriefError("offer.buy", f"'buy {offer.buy} get {offer.get}' needs both figures, 1-9, get at most buy")
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
    if len(fixed) > spec.max_chars:
        raise BriefError(
            "offer",
            f"its facts and required text need {len(fixed)} characters ({fixed!r}) and a {spec.label} "
            f"holds {spec.max_chars}; shorten the offer or pick a longer channel",
        )


def fixed_text(brief: Brief) -> str:
    """The barest text the channel must hold: the shortest offer wording, required phrases, opt-out."""
    return patterns.shortest(brief.offer, brief.required_phrases, brief.spec.opt_out)


# --- checks ---------------------------------------------------------------------------------


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
    checks += quality_checks(text, known_text(brief, grounding), _asks_first_person(brief))
    return checks


def known_text(brief: Brief, grounding: object | None) -> str:
    """Everything a variant may name or claim: the brief, the segment, its products, the patterns."""
    offer = brief.offer
    parts = [offer.text, *(t for _, t in offer.facts()), *brief.required_phrases, brief.notes, brief.spec.opt_out]
    parts += [offer.product, offer.category, offer.scope]
    if grounding is not None:
        parts += _trusted_texts(grounding)
        parts += [why for _, why in getattr(grounding, "products", ()) or ()]
    parts += [*patterns.TEAM_HOOKS, *patterns.CTAS.get(brief.channel, ())]
    return " ".join(p for p in parts if p)


def _asks_first_person(brief: Brief) -> bool:
    """Whether the planner's own words speak as the brand ("our", "we"): then copy may too."""
    own = " ".join([brief.offer.text, brief.notes, *brief.required_phrases])
    return bool(re.search(r"\b(?:we|we're|we've|our|us)\b", own, re.IGNORECASE))


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
