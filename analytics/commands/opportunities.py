"""`opportunities`: the segments ranked by the expected value of a campaign, with every assumption
shown, read from the published snapshot."""

from __future__ import annotations

import argparse
import json
import math

from analytics.cli import CliError, open_published
from analytics.trust import privacy
from models.settings import Settings

NAME = "opportunities"
# The option that sets each field of opportunities.Assumptions, to name it in an error.
OPTIONS = {"uplift_points": "--uplift-points", "fixed_value": "--value-per-conversion"}
HELP = "rank the segments by the expected extra revenue of a campaign, with the baseline and assumptions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--uplift-points",
        type=float,
        metavar="X",
        help="extra share of reachable users who order, in percentage points (default: the stated prior, 2)",
    )
    parser.add_argument(
        "--value-basis",
        choices=["aov", "clv"],
        default="aov",
        help="value of one extra conversion: each segment's average order value (default) or predicted CLV",
    )
    parser.add_argument(
        "--value-per-conversion",
        type=float,
        metavar="AMOUNT",
        help="one value per conversion for every segment, in the main currency (replaces --value-basis)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.campaigns import opportunities

    assumptions = _assumptions(args, opportunities)
    con = open_published(settings)
    try:
        baselines = opportunities.baselines(con)
    except opportunities.NoSegments as exc:
        raise CliError(str(exc)) from exc
    finally:
        con.close()
    ranked = opportunities.rank(baselines, assumptions)
    ranked["complaints"] = ranked["complaints"].map(privacy.mask_pii)
    shown, hidden = privacy.suppress_small_groups(ranked, "reachable_users", settings.min_group_size)
    if args.json:
        print(json.dumps(_json(shown, hidden, assumptions)))
        return 0
    print(
        f"uplift {assumptions.points:g} points ({assumptions.uplift_source()}); value per conversion: "
        f"{_basis(assumptions)}; expected value = reachable users x uplift x value per conversion"
    )
    for place, row in enumerate(shown.itertuples(index=False), start=1):
        print(f"{place}. {row.sentence}")
        print(f"   {_baseline(row)}")
    if hidden:
        print(f"{hidden} segment(s) with fewer than {settings.min_group_size} reachable users are not shown")
    return 0


def _assumptions(args: argparse.Namespace, opportunities):
    fixed = args.value_per_conversion
    try:
        return opportunities.Assumptions(
            uplift_points=args.uplift_points,
            value_basis="fixed" if fixed is not None else args.value_basis,
            fixed_value=fixed,
        )
    except ValueError as exc:
        field = str(exc).split()[0]
        raise CliError(f"{OPTIONS.get(field, '--' + field)}: {exc}") from exc


def _basis(assumptions) -> str:
    if assumptions.value_basis == "fixed":
        return f"{assumptions.fixed_value:,.2f} for every segment"
    return f"each segment's {'average order value' if assumptions.value_basis == 'aov' else 'predicted CLV'}"


def _baseline(row) -> str:
    money = f" {row.currency}" if row.currency else ""
    parts = [f"{row.users:,} users", f"{row.conversion_rate:.0%} have ordered"]
    parts += [f"AOV {_money(row.avg_order_value, money)}", f"CLV {_money(row.clv, money)}"]
    parts.append("churn risk -" if _missing(row.churn_risk) else f"churn risk {row.churn_risk:.0%}")
    if row.drop_step:
        parts.append(f"drops most at {row.drop_step} ({row.drop_step_rate:.0%} go on; shop {row.shop_step_rate:.0%})")
    if row.complaints:
        parts.append(f"complains about {row.complaints}")
    return "; ".join(parts)


def _money(value, money: str) -> str:
    return "-" if _missing(value) else f"{value:,.0f}{money}"


def _json(shown, hidden: int, assumptions) -> dict:
    return {
        "assumptions": {
            "uplift_points": assumptions.points,
            "uplift_source": assumptions.uplift_source(),
            "value_basis": assumptions.value_basis,
            "fixed_value": assumptions.fixed_value,
        },
        "opportunities": [{k: _plain(v) for k, v in row.items()} for row in shown.to_dict(orient="records")],
        "hidden_segments": hidden,
    }


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    """JSON-safe scalars: numpy numbers to Python, NaN to null."""
    if hasattr(value, "item"):
        value = value.item()
    return None if _missing(value) else value
