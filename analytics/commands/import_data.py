"""`import`: load a shop's own export (or a public dataset) into the warehouse, as a job."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics.cli import CliError, JobFailed, add_job_arguments, run_as_job
from analytics.core import jobs
from analytics.ingest import FORMATS, IngestError, Limits, describe, import_file, preview_file
from analytics.trust.access import Actor, Role
from models.settings import Settings

NAME = "import"
HELP = "import a file (or an Olist folder): checked first, written in one transaction, the same file twice is a no-op"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """PATH, --format, --mapping, --check, --json and the job options."""
    parser.add_argument("path", help="a CSV/JSON-lines file (.gz or not), or a folder of Olist CSV files")
    parser.add_argument("--format", choices=sorted(FORMATS), help="default: detected from the file's content")
    parser.add_argument("--mapping", metavar="FILE", help="column mapping for --format csv (see docs/IMPORTING.md)")
    parser.add_argument("--check", action="store_true", help="only check the file and show what would be written")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--create", action="store_true", help="create the warehouse (--db) if it does not exist")
    add_job_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Check the arguments, then preview (--check) or import as a job; 2 for bad input."""
    path = Path(args.path).expanduser().resolve()
    if not path.exists():
        raise CliError(f"{args.path} does not exist")
    if args.format == "csv" and not args.mapping:
        raise CliError("--format csv needs --mapping FILE (see docs/IMPORTING.md)")
    mapping = str(Path(args.mapping).expanduser().resolve()) if args.mapping else None
    if args.check:
        return _check(path, args.format, mapping, args.json, Limits.from_settings(settings))
    return _import(path, args, mapping, settings)


def _embed_evidence(ctx: jobs.JobContext, settings: Settings) -> int:
    """Vectors of the new product knowledge, so that answering embeds only the question
    (docs/ASSISTANT.md); texts imported in other formats are embedded when first asked about."""
    from analytics.assistant.vectors import store_missing
    from models.embeddings import TextEmbedder

    def report(fraction: float, message: str) -> None:
        ctx.progress(round(100 * fraction, 1), 100, message)

    embedder = TextEmbedder(settings).load()
    with ctx.batch():
        return store_missing(ctx.con, embedder, settings.embedding_model, report)


def _land_in_lake(ctx: jobs.JobContext, settings: Settings) -> dict:
    """Write the days and tables the import changed into the lake, as `lake-sync` does. The import
    has committed: a lake that cannot be written is reported, not a failed import, and the next
    `lake-sync` catches up."""
    from analytics.core import lake

    try:
        return lake.sync(ctx.con, settings, ctx.progress)
    except lake.LakeError as exc:
        return {"error": str(exc)}


def _check(path: Path, format_name: str | None, mapping: str | None, as_json: bool, limits: Limits) -> int:
    preview = preview_file(path, format_name, mapping, limits=limits)
    if as_json:
        print(
            json.dumps(
                {
                    "format": preview.format,
                    "ok": preview.ok,
                    "error": preview.error,
                    "counts": preview.counts,
                    "notes": preview.notes,
                    "rows_read": preview.rows_read,
                }
            )
        )
    elif preview.ok:
        counts = ", ".join(f"{n:,} {t}" for t, n in preview.counts.items() if n)
        print(f"{path.name}: {preview.format}, {preview.rows_read:,} rows read; would write up to {counts}")
    else:
        print(f"error: {preview.error}", file=sys.stderr)
    return 0 if preview.ok else 2


def _import(path: Path, args: argparse.Namespace, mapping: str | None, settings: Settings) -> int:
    bad_input: list[IngestError] = []

    def job(ctx: jobs.JobContext) -> dict:
        try:
            # The command line is trusted as an admin (CLI_ACTOR); --actor names who asked (the dashboard
            # checked that user's role before launching the job).
            result = import_file(ctx, path, args.format, mapping, actor=Actor(args.actor, Role.ADMIN))
        except IngestError as exc:
            bad_input.append(exc)
            raise
        summary = result.summary()
        if result.format == "product_qa" and result.rows_written:
            summary["evidence_vectors"] = _embed_evidence(ctx, settings)
        if settings.lake_sync and result.rows_written:
            summary["lake"] = _land_in_lake(ctx, settings)
        return summary

    params = {"path": str(path), "format": args.format, "mapping": mapping}
    try:
        result = run_as_job(args, settings, "import", job, params=params)
    except JobFailed:
        if bad_input:  # the file was refused: bad input (exit 2), not a failed job
            raise CliError(str(bad_input[0])) from None
        raise
    if args.json:
        print(json.dumps({"job_id": result.job_id, **result.summary}))
    else:
        print(describe(result.summary) + f" (job {result.job_id})")
        if landed := result.summary.get("lake"):
            print(_describe_landing(landed, settings.lake), file=sys.stderr if "error" in landed else sys.stdout)
    return 0


def _describe_landing(landed: dict, where: str) -> str:
    if "error" in landed:
        return f"warning: the import is in the warehouse but not in the lake: {landed['error']}"
    return f"landed in the lake {where}: {landed['partitions_written']:,} partitions ({landed['rows_written']:,} rows)"
