"""`answer-questions`: log every customer question and answer those the current assistant has not."""

from __future__ import annotations

import argparse

from analytics.cli import CliError, add_job_arguments, run_as_job
from models.settings import Settings

NAME = "answer-questions"
HELP = (
    "log every customer question (earlier Q&A, questions asked through the assistant) with its topic, "
    "and answer those the current assistant has not answered"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="answer at most N questions this run (customers' own first)")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit is not None and args.limit < 1:
        raise CliError(f"--limit must be at least 1 (got {args.limit})")
    summary = answer_all(args, settings, args.limit).summary
    report(summary)
    return 0


def answer_all(args: argparse.Namespace, settings: Settings, limit: int | None = None, queued: bool = True):
    """Run the job (the model loads before it takes the warehouse); its JobResult."""
    from analytics.assistant.answers import Assistant
    from analytics.assistant.asks import answer_questions

    return run_as_job(
        args,
        settings,
        "answer_questions",
        lambda ctx: answer_questions(ctx, limit),
        params={"limit": limit},
        prepare=lambda ctx: Assistant(settings).load(),
        label=NAME,
        queued=queued,
    )


def argv_for(limit: int | None = None) -> list[str]:
    """The command line the dashboard launches (it adds the job options)."""
    return [NAME] + ([] if limit is None else ["--limit", str(limit)])


def report(summary: dict) -> None:
    print(
        f"questions: {summary['logged']:,} newly logged, {summary['answered']:,} answered "
        f"({summary['unknown']:,} the catalog cannot answer) by {summary['answered_by']}"
    )
    if summary["not_in_catalog_questions"]:
        named = ", ".join(summary["not_in_catalog"][:5])
        more = len(summary["not_in_catalog"]) - 5
        print(
            f"left unanswered: {summary['not_in_catalog_questions']:,} question(s) about products not in the "
            f"catalog: {named}{f' and {more} more' if more > 0 else ''}"
        )
