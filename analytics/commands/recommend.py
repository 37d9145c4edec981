"""`recommend`: the products to feature for one segment, read from the published snapshot."""

from __future__ import annotations

import argparse
import json
import math

from analytics.cli import CliError, open_published
from analytics.core import queries
from models.settings import Settings

NAME = "recommend"
HELP = "show the products to feature for a segment, with the evidence and a reason each"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--segment", type=int, required=True, metavar="ID", help="segment id within the run")
    parser.add_argument("--run", type=int, metavar="RUN_ID", help="segmentation run (default: the latest complete)")
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="products to show (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.campaigns.recommend import segment_products

    if args.limit < 1:
        raise CliError(f"--limit must be at least 1 (got {args.limit})")
    con = open_published(settings)
    try:
        run_id, name = _segment(con, args.run, args.segment)
        products = segment_products(con, run_id, args.segment, limit=args.limit, min_support=settings.min_group_size)
    finally:
        con.close()
    if args.json:
        records = [{k: _plain(v) for k, v in row.items()} for row in products.to_dict(orient="records")]
        print(json.dumps({"run_id": run_id, "segment_id": args.segment, "segment": name, "products": records}))
        return 0
    print(f"segment {args.segment} ({name}) of run {run_id}: products to feature, strongest evidence first")
    if products.empty:
        print(f"  no evidence reaches {settings.min_group_size} users of this segment (min_group_size)")
        return 0
    print(f"  {'lift':>5}  {'users':>6}  {'product':<45}  reason")
    for row in products.itertuples(index=False):
        title = str(row.title if isinstance(row.title, str) else row.product_id)[:45]
        lift = "-" if math.isnan(row.lift) else f"{row.lift:.1f}"
        print(f"  {lift:>5}  {row.segment_users:>6,}  {title:<45}  {row.reason}")
    return 0


def _segment(con, run_id: int | None, segment_id: int) -> tuple[int, str]:
    """The run to read and the segment's name; a clear error naming the option otherwise."""
    if run_id is None:
        latest = queries.one(con, "latest_segment_run")
        if not latest:
            raise CliError("no segmentation run yet: run `python -m analytics segment` first")
        run_id = int(latest["run_id"])
    profiles = queries.frame(con, "segment_run_profiles", {"run_id": run_id})
    if profiles.empty:
        raise CliError(f"--run {run_id}: no such segmentation run with segments (run `python -m analytics segment`)")
    match = profiles[profiles["segment_id"] == segment_id]
    if match.empty:
        known = ", ".join(str(s) for s in profiles["segment_id"])
        raise CliError(f"--segment {segment_id}: run {run_id} has no such segment (segments: {known})")
    return run_id, str(match["name"].iloc[0])


def _plain(value):
    """JSON-safe scalars: numpy numbers to Python, NaN to null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
