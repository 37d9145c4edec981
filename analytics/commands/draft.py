"""`draft`: campaign copy for a segment and channel, written by the local model and checked by code."""

from __future__ import annotations

import argparse
import json
from datetime import date

from analytics.campaigns import studio as campaigns
from analytics.campaigns.copy_rules import CHANNELS, LANGUAGES, TONES, BriefError, parse_offer, validate_brief
from analytics.cli import CliError, open_published
from analytics.trust.access import CLI_ACTOR
from models.settings import Settings

NAME = "draft"
HELP = (
    "write campaign copy variants for a segment and channel: the team's patterns state the offer, the model "
    "writes opening lines; only variants passing every check are shown"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--segment", type=int, required=True, metavar="ID", help="segment id (see the Segments page)")
    parser.add_argument("--run", type=int, metavar="RUN_ID", help="segmentation run (default: the latest complete)")
    parser.add_argument("--channel", required=True, choices=list(CHANNELS))
    parser.add_argument(
        "--offer",
        default="",
        metavar="TEXT",
        help='e.g. "20%% off all coats this weekend for members, code SNOW20" (a word that is no discount, scope, '
        "validity, code, free shipping or audience is an error naming it)",
    )
    parser.add_argument("--discount-percent", type=float, metavar="P")
    parser.add_argument("--discount-amount", type=float, metavar="AMOUNT")
    parser.add_argument("--currency", metavar="CODE", help="currency of --discount-amount (USD, EUR, GBP)")
    parser.add_argument("--free-shipping", action="store_true", default=None)
    parser.add_argument("--product")
    parser.add_argument("--category")
    parser.add_argument("--ends", type=date.fromisoformat, metavar="YYYY-MM-DD", help="offer end date")
    parser.add_argument("--code", help="promo code")
    parser.add_argument("--tone", default="friendly", choices=TONES)
    parser.add_argument("--language", default="en", choices=list(LANGUAGES))
    parser.add_argument("--avoid", action="append", default=[], metavar="WORD", help="word to avoid (repeatable)")
    parser.add_argument("--require", action="append", default=[], metavar="PHRASE", help="required phrase (repeatable)")
    parser.add_argument("--variants", type=int, default=3, metavar="N", help="variants to show (1-10, default 3)")
    parser.add_argument("--notes", default="", help="free-text notes for the writer")
    parser.add_argument("--save", action="store_true", help="save the shown variants as drafts")
    parser.add_argument("--json", action="store_true", help="print the variants and rejected candidates as JSON")


def run(args: argparse.Namespace, settings: Settings) -> int:
    con = open_published(settings)
    try:
        context = campaigns.segment_context(con, settings, args.segment, args.run)
    except campaigns.CampaignError as exc:
        raise CliError(f"--segment: {exc}") from None
    finally:
        con.close()
    brief = _brief(args, context)
    result = campaigns.write(settings, CLI_ACTOR, brief, context)
    ranks = range(len(result.variants)) if args.save else ()
    saved = [campaigns.keep(settings, CLI_ACTOR, brief, context, result, rank) for rank in ranks]
    if args.json:
        print(json.dumps(_as_json(result, saved)))
    else:
        _print(result, context, saved)
    return 0 if result.variants else 1


def _brief(args: argparse.Namespace, context: campaigns.SegmentContext):
    explicit = {
        "discount_percent": args.discount_percent,
        "discount_amount": args.discount_amount,
        "currency": args.currency,
        "free_shipping": args.free_shipping,
        "product": args.product,
        "category": args.category,
        "end_date": args.ends,
        "code": args.code,
    }
    try:
        offer = parse_offer(args.offer, **{k: v for k, v in explicit.items() if v is not None})
        return validate_brief(
            args.channel,
            offer,
            segment_id=context.segment_id,
            run_id=context.run_id,
            tone=args.tone,
            language=args.language,
            avoid_words=args.avoid,
            required_phrases=args.require,
            variants=args.variants,
            notes=args.notes,
        )
    except BriefError as exc:
        raise CliError(f"brief: {exc}") from None


def _as_json(result, saved: list[int]) -> dict:
    return {
        "model": result.model,
        "device": result.device,
        "raw_compliance": result.raw_compliance,
        "model_share": result.model_share,
        "authorship": result.authorship(),
        "variants": [
            {
                "text": v.text,
                "hook": v.hook,
                "hook_written_by": v.hook_source,
                "checks": campaigns.checks_dict(v.checks),
                "score": v.score,
            }
            for v in result.variants
        ],
        "rejected": [{"text": r.text, "reasons": list(r.reasons)} for r in result.rejected],
        "saved_drafts": saved,
    }


_WHO = {"model": "written by the model", "team": "the team's", "none": "none (no room in this channel)"}


def _print(result, context: campaigns.SegmentContext, saved: list[int]) -> None:
    print(f"segment {context.segment_id} '{context.name}' (run {context.run_id}, {context.count_users:,} users)")
    print(
        f"{len(result.variants)} variant(s) shown, {len(result.rejected)} opening line(s) rejected; "
        f"{result.raw_compliance:.0%} of the model's {result.candidates} opening lines were usable as written"
    )
    print(result.authorship())
    for rank, variant in enumerate(result.variants, start=1):
        print(f"\n[{rank}] {variant.text}")
        print(f"    opening line: {_WHO[variant.hook_source]}")
        print(f"    checks passed: {', '.join(c.name for c in variant.checks)}")
    for rejected in result.rejected:
        print(f"\nrejected: {rejected.text}\n    because {'; '.join(rejected.reasons)}")
    if saved:
        print(f"\nsaved as drafts {', '.join(map(str, saved))}")
