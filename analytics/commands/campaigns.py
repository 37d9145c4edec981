"""`campaigns`: the campaign plans with their ids, arms, sends and window, from the published snapshot."""

from __future__ import annotations

import argparse
import json

from analytics.cli import open_published
from analytics.commands.json_values import plain
from analytics.core import queries
from models.settings import Settings

NAME = "campaigns"
HELP = "list the campaign plans with their ids (for import --format sends and results --campaign)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    con = open_published(settings)
    try:
        listing = queries.frame(con, "campaign_listing")
    finally:
        con.close()
    records = plain(listing.to_dict(orient="records"))
    for record in records:  # the window's days are dates, whatever type pandas gave them
        record["start_day"], record["end_day"] = record["start_day"][:10], record["end_day"][:10]
    if args.json:
        print(json.dumps({"campaigns": records}))
        return 0
    if not records:
        print("no campaign plans yet: make one with `python -m analytics plan ...`")
        return 0
    header = f"{'id':>4}  {'name':<34} {'channel':<14} {'window':<24} {'variants':<9}"
    print(header + f" {'treated':>8} {'holdout':>8} {'sent':>7}")
    for r in records:
        window = f"{r['start_day']} to {r['end_day']}"
        print(
            f"{r['campaign_id']:>4}  {r['name'][:34]:<34} {r['channel'][:14]:<14} {window:<24} "
            f"{(r['variants'] or '')[:9]:<9} {r['count_treated']:>8,} {r['count_holdout']:>8,} {r['count_sends']:>7,}"
        )
    return 0
