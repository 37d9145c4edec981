"""Channel patterns written by the team: code states every fact, the model adds only the hook.

A variant is a layout of parts: ``hook`` (a short opening, written by the model or taken from the
team's ``TEAM_HOOKS``), ``offer`` (one of the team's wordings of the offer clause, every fact in
it), ``extra`` (products to feature, long channels only), ``cta`` (the channel's call to action),
required phrases and the channel's opt-out. Each channel lists its layouts from the fullest to
the barest, so a long offer still fits a short channel by dropping the optional parts; the offer
clause and the opt-out are never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.campaigns.offer import Offer

# Openings the team wrote: used when no model hook passes the checks, and counted as such.
TEAM_HOOKS = (
    "Good news!",
    "Treat yourself!",
    "A little treat for you.",
    "Don't miss this!",
    "Time for something nice.",
)

CTAS = {
    "email_subject": (),
    "email_body": ("Shop the picks online and treat yourself.", "Find your favourite online today."),
    "push": ("Tap to shop.", "Tap to see the range."),
    "sms": ("Shop now online.", "Shop now in the app."),
    "search_headline": (),
    "search_description": ("Shop online now.", "Order online."),
    "social_caption": ("Tap the link in bio to shop.", "Shop via the link in bio."),
}
# Layouts per channel, fullest first. "extra" is the featured products sentence.
LAYOUTS = {
    "email_subject": (("hook", "offer"), ("offer",)),
    "email_body": (("hook", "offer", "extra", "cta"), ("offer", "extra", "cta"), ("offer", "cta")),
    "push": (("hook", "offer", "cta"), ("hook", "offer"), ("offer", "cta"), ("offer",)),
    "sms": (("hook", "offer", "cta"), ("hook", "offer"), ("offer", "cta"), ("offer",)),
    "search_headline": (("offer",),),
    "search_description": (("hook", "offer", "cta"), ("hook", "offer"), ("offer", "cta"), ("offer",)),
    "social_caption": (("hook", "offer", "extra", "cta"), ("hook", "offer", "cta"), ("offer", "cta"), ("offer",)),
}
PARAGRAPHS = {"email_body", "social_caption"}  # parts go on their own lines
_CTA_WORDS = {"shop", "tap", "link", "order", "buy", "click", "visit"}


@dataclass(frozen=True)
class Rendered:
    text: str
    hook: str  # the hook used, '' when the layout has none
    form: int  # which wording of the offer clause


def offer_clauses(offer: Offer) -> list[str]:
    """The team's wordings of the offer clause, each stating every fact, longest first."""
    deal = offer.deal()
    items = " ".join(x for x in (offer.product, offer.category, offer.scope) if x)
    aud = f" for {offer.audience}" if offer.audience else ""
    when = _when(offer)
    out = []
    if deal:
        ship = " + free shipping" if offer.free_shipping else ""
        on_items = _on(items, after_off=not offer.buy)
        code = f", code {offer.code}" if offer.code else ""
        out.append(f"{deal}{on_items}{ship}{aud}{when}{code}.")
        if offer.code:
            out.append(f"Use code {offer.code} for {deal}{on_items}{ship}{aud}{when}.")
        if deal.endswith(" off") and items and items not in ("sitewide", "storewide", "everything"):
            out.append(f"{items} now {deal}{ship}{aud}{when}{code}.")
        if deal.endswith(" off"):
            with_code = f" with code {offer.code}" if offer.code else ""
            out.append(f"Save {deal.removesuffix(' off')}{_on(items, after_off=False)}{ship}{aud}{when}{with_code}.")
    elif offer.free_shipping:
        on_items = _on(items, after_off=False)
        code = f" with code {offer.code}" if offer.code else ""
        out += [f"{lead} free shipping{on_items}{aud}{when}{code}." for lead in ("", "Enjoy", "Get")]
        if offer.code:
            out.append(f"Use code {offer.code} for free shipping{on_items}{aud}{when}.")
    else:
        code = f" with code {offer.code}" if offer.code else ""
        out += [f"Shop{_on(items, after_off=True)}{aud}{when}{code}."]
    return sorted(dict.fromkeys(_capital(c) for c in out), key=len, reverse=True)


def _on(items: str, after_off: bool) -> str:
    if not items:
        return ""
    if items in ("sitewide", "storewide") or after_off:
        return f" {items}"
    return f" on {items}"


def _when(offer: Offer) -> str:
    if offer.validity:
        lead = ", " if offer.validity.split()[0].lower() in ("ends", "end", "ending") else " "
        return lead + offer.validity
    for name, text in offer.facts():
        if name == "end_date":
            return " " + text
    return ""


def _capital(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] if text else text


def featured(products: tuple[str, ...]) -> str:
    """The featured products sentence of long channels, e.g. "Have a look at the X and the Y."."""
    names = [p.strip().rstrip(".") for p in products if p.strip()][:2]
    if not names:
        return ""
    return "Have a look at the " + " and the ".join(names) + "."


def render(
    channel: str,
    max_chars: int,
    min_chars: int,
    offer: Offer,
    hook: str,
    *,
    products: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    opt_out: str = "",
    pick: int = 0,
) -> list[Rendered]:
    """Every layout x offer wording of the channel that fits, fullest first.

    ``pick`` rotates which call to action and offer wording come first, so variants differ.
    """
    clauses = offer_clauses(offer)
    # A required phrase that is itself a call to action ("Shop now", "Link in bio") replaces ours.
    ctas = () if any(_CTA_WORDS & set(p.lower().split()) for p in required) else CTAS[channel]
    tail = [f"{p.rstrip('.')}." for p in required] + ([f"{opt_out}."] if opt_out else [])
    out = []
    for layout in LAYOUTS[channel]:
        if "hook" in layout and not hook:
            continue
        for i in range(len(clauses)):
            form = (i + pick) % len(clauses)
            parts = {
                "hook": hook,
                "offer": clauses[form],
                "extra": featured(products),
                "cta": ctas[pick % len(ctas)] if ctas else "",
            }
            pieces = [parts[slot] for slot in layout if parts[slot]] + tail
            joiner = "\n\n" if channel in PARAGRAPHS and len(pieces) > 2 else " "
            text = joiner.join(pieces)
            if min_chars <= len(text) <= max_chars:
                out.append(Rendered(text, hook if "hook" in layout else "", form))
    return out


def hook_room(channel: str, max_chars: int, offer: Offer, required: tuple[str, ...] = (), opt_out: str = "") -> int:
    """Characters left for a hook beside the shortest offer wording (0 when no layout has a hook)."""
    if not any("hook" in layout for layout in LAYOUTS[channel]):
        return 0
    return max(0, max_chars - len(shortest(offer, required, opt_out)) - 1)


def shortest(offer: Offer, required: tuple[str, ...] = (), opt_out: str = "") -> str:
    """The barest text a channel must hold: the shortest offer wording, required phrases, opt-out."""
    tail = [f"{p.rstrip('.')}." for p in required] + ([f"{opt_out}."] if opt_out else [])
    return " ".join([min(offer_clauses(offer), key=len), *tail])
