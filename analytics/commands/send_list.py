"""`send-list`: one variant's send list of a campaign plan, through the safe export."""

from __future__ import annotations

import argparse
from pathlib import Path

from analytics.campaigns import plans
from analytics.cli import CliError, open_published
from analytics.core import appstate
from analytics.trust import export
from analytics.trust.access import CLI_ACTOR
from models.settings import Settings

NAME = "send-list"
HELP = "export the users to send one variant of a campaign to (consenting users only; never the holdout)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campaign", type=int, required=True, metavar="ID", help="campaign id (see `campaigns`)")
    parser.add_argument("--variant", required=True, help="variant label: A, B, ...")
    parser.add_argument("--out", required=True, metavar="FILE", help="file to write")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")


def run(args: argparse.Namespace, settings: Settings) -> int:
    con = open_published(settings)
    try:
        users = plans.send_list(con, CLI_ACTOR, args.campaign, args.variant, settings.min_group_size)
    except (plans.PlanError, export.ExportRefused) as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    out = Path(args.out).expanduser()
    out.write_bytes(export.to_bytes(users, args.format))
    appstate.record_audit(
        settings, CLI_ACTOR.name, "admin", "export", f"campaign {args.campaign} variant {args.variant}", rows=len(users)
    )
    print(f"wrote {len(users):,} users of campaign {args.campaign} variant {args.variant} to {out}")
    return 0
