"""`advise`: products of the published catalog that match a shopper's need, with a reason each."""

from __future__ import annotations

import argparse
import json

from analytics.cli import CliError, open_published
from models.settings import Settings

NAME = "advise"
HELP = "suggest products for a need ('I want a new laptop'), optionally personalised for a user"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("need", help="what the shopper wants, in their words")
    parser.add_argument("--user", metavar="ID", help="personalise the order for this user (history and segment)")
    parser.add_argument("--limit", type=int, default=5, metavar="N", help="products to suggest (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.assistant.advice import UnknownUserError, advise, read_catalog
    from analytics.assistant.answers import QuestionError, check_question

    if args.limit < 1:
        raise CliError(f"--limit must be at least 1 (got {args.limit})")
    try:
        check_question(args.need, "the need")
    except QuestionError as exc:
        raise CliError(str(exc)) from None
    user = args.user.strip() if args.user is not None else None
    if args.user is not None and not user:
        raise CliError("--user is empty: name a user id, or leave --user out")
    con = open_published(settings)
    try:
        catalog = read_catalog(con, settings.embedding_model, user)
    except UnknownUserError as exc:
        raise CliError(f"--user: {exc}") from None
    finally:
        con.close()
    from models.embeddings import TextEmbedder

    suggestions = advise(args.need, catalog, TextEmbedder(settings).load(), args.limit)
    if args.json:
        record = {"need": args.need, "user_id": user, "products": [s.to_json() for s in suggestions]}
        print(json.dumps(record, ensure_ascii=False))
    elif not suggestions:
        print("Nothing in the catalog matches this need closely enough.")
    else:
        for rank, s in enumerate(suggestions, 1):
            price = f", {s.price:,.2f}" if s.price is not None else ""
            print(f"{rank}. {s.title} ({s.product_id}{price})\n   {s.reason}")
    return 0
