"""`answer`: grounded answers to product questions from the published catalog, Q&A and reviews."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from analytics.cli import CliError, open_published
from models.settings import Settings

NAME = "answer"
HELP = "answer a customer's question about a product from its descriptions, attributes, earlier Q&A and reviews"
COLUMNS = ("product_id", "question")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help="the question (with --product)")
    parser.add_argument("--product", metavar="ID", help="the product asked about")
    parser.add_argument("--questions", metavar="FILE.csv", help="a batch: a CSV file with columns product_id,question")
    parser.add_argument("--json", action="store_true", help="print one JSON object per answer, one per line")
    parser.add_argument("--user", metavar="ID", help="the customer who asked (kept with the question in the log)")
    parser.add_argument(
        "--no-log",
        action="store_true",
        help="do not keep the questions for the question log (evaluation runs, tests of the catalog)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.assistant.advice import UnknownUserError
    from analytics.assistant.answers import Assistant, QuestionError, check_question
    from analytics.assistant.asks import check_asker, record_asked
    from analytics.assistant.knowledge import UnknownProductError, product_knowledge
    from analytics.assistant.vectors import stored_vectors

    asks = _asks(args)
    for where, (_, question) in asks.items():
        try:
            check_question(question, where)
        except QuestionError as exc:
            raise CliError(str(exc)) from None
    con = open_published(settings)
    stored = {}
    try:
        try:
            asker = check_asker(con, args.user)
        except UnknownUserError as exc:
            raise CliError(f"--user: {exc}") from None
        knowledge = {}
        for where, (product_id, _) in asks.items():
            if product_id not in knowledge:
                try:
                    knowledge[product_id] = product_knowledge(con, product_id)
                except UnknownProductError as exc:
                    raise CliError(f"{where}: {exc}") from None
                stored.update(stored_vectors(con, product_id, settings.embedding_model))
    finally:
        con.close()
    assistant = Assistant(settings).load()  # every input checked before the models load
    assistant.embed_questions([question for _, question in asks.values()])
    for product_id, question in asks.values():
        result = assistant.answer(product_id, question, knowledge[product_id], stored)
        print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else _text(result), flush=True)
        if not args.no_log:
            record_asked(settings, product_id, question, "command", asker, result)
    return 0


def _asks(args: argparse.Namespace) -> dict[str, tuple[str, str]]:
    """Where each question came from (for messages) -> (product_id, question), in input order."""
    if args.questions is not None:
        if args.product is not None or args.question is not None:
            raise CliError(
                "--questions FILE.csv reads product and question from the file; give no --product or QUESTION"
            )
        return _read_batch(Path(args.questions))
    if args.product is None or args.question is None:
        raise CliError('give --product ID "QUESTION", or --questions FILE.csv')
    if not args.product.strip():
        raise CliError("--product is empty: name a product id")
    return {"the question": (args.product.strip(), args.question)}


def _read_batch(path: Path) -> dict[str, tuple[str, str]]:
    """The batch file's rows, every row checked for shape; CliError naming the line and field."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"--questions {path}: cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CliError(f"{path.name}, line {line}: expected UTF-8 text, found byte 0x{raw[exc.start]:02x}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        found = ", ".join(header) if header else "nothing"
        raise CliError(
            f"{path.name}, line 1: expected the columns {', '.join(COLUMNS)}; missing {', '.join(missing)} "
            f"(found {found})"
        )
    positions = [header.index(c) for c in COLUMNS]
    asks: dict[str, tuple[str, str]] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise CliError(
                f"{path.name}, line {line}: expected {len(header)} fields like the header, found {len(values)}"
            )
        product_id, question = (values[i] for i in positions)
        if not product_id.strip():
            raise CliError(f"{path.name}, line {line}, column 'product_id': expected a product id, found an empty cell")
        asks[f"{path.name}, line {line}, column 'question'"] = (product_id.strip(), question)
    if not asks:
        raise CliError(f"{path.name}: expected at least one row of product_id,question after the header")
    return asks


def _text(result) -> str:
    lines = [
        f"{result.product_id}: {result.question.strip()}",
        f"  {result.verdict} ({result.confidence:.2f}) {result.answer}",
    ]
    lines += [
        f"  [{e.source}] {e.text[:100]}{'...' if len(e.text) > 100 else ''} ({e.ref})" for e in result.evidence[:3]
    ]
    return "\n".join(lines)
