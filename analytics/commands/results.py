"""`results`: what a campaign did, per arm, and its lift against the holdout with 95% intervals."""

from __future__ import annotations

import argparse
import json

from analytics.campaigns import results
from analytics.cli import CliError, open_published
from analytics.commands.json_values import plain
from analytics.commands.options import number_option
from models.settings import Settings

NAME = "results"
HELP = "a campaign's conversion, orders and revenue per arm, and lift vs the holdout with 95% intervals (CUPED)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campaign", required=True, metavar="ID", help="campaign id or name (see `campaigns`)")
    number_option(
        parser, "--pre-days", int, results.PRE_PERIOD_DAYS, "N", "days before the start used as the CUPED covariate"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    con = open_published(settings)
    try:
        result = results.compute(con, args.campaign, pre_days=args.pre_days)
    except results.ResultsError as exc:
        raise CliError(str(exc)) from None
    finally:
        con.close()
    shown = results.shown(result, settings.min_group_size)
    print(json.dumps(plain(shown)) if args.json else _text(shown))
    return 0


def _text(r: dict) -> str:
    status = "complete" if r["window_complete"] else "NOT COMPLETE (partial figures)"
    lines = [
        f"campaign {r['campaign']} '{r['name']}' ({r['channel']}, {r['audience']})",
        f"  window {r['window']['start']} to {r['window']['end']}: {status}; data through {r['data_through']}",
        f"  {'arm':<8} {'users':>7} {'conv.':>6} {'rate':>7} {'orders':>7} {'sent':>6} {'unsub.':>6}",
    ]
    for a in r["arms"]:
        if a.get("hidden"):
            lines.append(f"  {a['arm']:<8} {'(fewer users than the minimum group size: not shown)'}")
            continue
        lines.append(
            f"  {a['arm']:<8} {a['users']:>7,} {a['conversions']:>6,} {a['rate']:>7.2%} {a['orders']:>7,} "
            f"{a['sent']:>6,} {a['unsubscribed']:>6,}"
        )
    lines.append("  " + _lift_line("conversion lift (all variants - holdout)", r["lift"], percent=True))
    for v in r["variants"]:
        lines.append("  " + _lift_line(f"  variant {v['variant']} - holdout", v["lift"], percent=True))
    for rev in r["revenue_per_user"]:
        lines.append("  " + _lift_line(f"revenue per user, {rev['currency']}", rev, percent=False))
    cuped = r.get("cuped", {})
    if cuped.get("used"):
        lines.append(
            f"  CUPED: pre-period of {cuped['pre_days']} days, theta {cuped['theta']:.3f}, "
            f"variance reduction {cuped['variance_reduction']:.1%}"
        )
    lines += [f"  warning: {w}" for w in r["warnings"]]
    return "\n".join(lines)


def _lift_line(label: str, lift: dict, *, percent: bool) -> str:
    if lift.get("estimate") is None:
        return f"{label}: not shown"
    scale, unit = (100, " points") if percent else (1, "")
    adjusted = " (CUPED)" if lift.get("adjustment") == "cuped" else ""
    return (
        f"{label}: {lift['estimate'] * scale:+.2f}{unit}, 95% interval "
        f"{lift['low'] * scale:+.2f} to {lift['high'] * scale:+.2f}{adjusted}"
    )
