"""The daily roll-up (mart_day_counts) gives the pages the same answers as the per-session marts.

Each page query is run twice on the published demo shop, once as the pages run it (from the
roll-up wherever ``Filters.day_counts_grain`` allows) and once with the roll-up switched off (the
per-session marts), for every filter, breakdown and option combination the pages offer.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pandas as pd
import pytest

from analytics.conversion import funnels, trends
from analytics.conversion.funnels import FunnelOptions
from analytics.core import queries
from analytics.core.filters import Filters

IN_SESSION_OPTIONS = [
    FunnelOptions(),
    FunnelOptions(any_order=True),
    FunnelOptions(cart_optional=True),
    FunnelOptions(any_order=True, cart_optional=True, count_repeat_purchases=True),
]


def _values(con, column: str) -> list[str]:
    # column is one of this module's literals
    return [r[0] for r in con.execute(f"select distinct {column} from mart_session_totals order by 1").fetchall()]


def _date_ranges(con) -> list[tuple]:
    first, last = queries.one(con, "event_date_range").values()
    first, last = first.date() if hasattr(first, "date") else first, last.date() if hasattr(last, "date") else last
    return [
        (first, last),  # everything: the previous period is empty
        (last - timedelta(days=27), last),  # the default view
        (last - timedelta(days=9), last - timedelta(days=3)),
        (last, last),  # one day
    ]


def _filter_sets(con) -> list[Filters]:
    sources, devices = _values(con, "traffic_source"), _values(con, "device")
    choices = [
        ((), ()),
        (sources[:1], ()),
        ((), devices[:1]),
        (sources[:2], ()),
        ((), devices[:2]),
        (sources[:1], devices[:1]),
    ]
    out = []
    for (start, end), (chosen_sources, chosen_devices) in itertools.product(_date_ranges(con), choices):
        out.append(Filters(start, end, traffic_sources=tuple(chosen_sources), devices=tuple(chosen_devices)))
    return out


@pytest.fixture
def session_marts_only(monkeypatch):
    """Run a query as if no roll-up answered it."""

    def off(filters, breakdown=()):
        return None

    def run(fn, *args):
        with monkeypatch.context() as m:
            m.setattr(Filters, "day_counts_grain", off)
            return fn(*args)

    return run


def test_the_default_view_reads_the_roll_up(demo_con):
    flt = _filter_sets(demo_con)[6]
    assert flt.day_counts_grain() == "all"
    assert flt.day_counts_grain(("device",)) == "device"
    assert Filters(flt.start, flt.end, categories=("electronics",)).day_counts_grain() is None
    assert Filters(flt.start, flt.end, devices=("mobile", "desktop")).day_counts_grain() is None
    assert Filters(flt.start, flt.end, devices=("mobile", "desktop")).day_counts_grain(("device",)) == "device"
    assert Filters(flt.start, flt.end, devices=("mobile",)).day_counts_grain(("traffic_source",)) is None


def test_traffic_totals_and_trends_match_the_session_marts(demo_con, session_marts_only):
    compared = 0
    for flt in _filter_sets(demo_con):
        pd.testing.assert_frame_equal(
            trends.traffic_totals(demo_con, flt), session_marts_only(trends.traffic_totals, demo_con, flt)
        )
        for grain in ("day", "week"):
            fast = trends.traffic_trend(demo_con, flt, grain)
            pd.testing.assert_frame_equal(fast, session_marts_only(trends.traffic_trend, demo_con, flt, grain))
        compared += 1
    assert compared == 24


def test_funnels_match_the_session_marts(demo_con, session_marts_only):
    for flt, options in itertools.product(_filter_sets(demo_con), IN_SESSION_OPTIONS):
        pd.testing.assert_frame_equal(
            funnels.funnel(demo_con, flt, options), session_marts_only(funnels.funnel, demo_con, flt, options)
        )


@pytest.mark.parametrize("breakdown", [("device",), ("traffic_source",)])
def test_breakdowns_match_the_session_marts(demo_con, session_marts_only, breakdown):
    for flt, options in itertools.product(_filter_sets(demo_con), IN_SESSION_OPTIONS):
        fast = funnels.funnel_breakdown(demo_con, flt, options, breakdown)
        assert not fast.empty or flt.start == flt.end
        pd.testing.assert_frame_equal(
            fast, session_marts_only(funnels.funnel_breakdown, demo_con, flt, options, breakdown)
        )


def test_the_roll_up_counts_each_user_once_per_range(demo_con):
    """The first-day rule on its own: the roll-up's visitors equal a distinct count of sessions' users."""
    start, end = _date_ranges(demo_con)[1]
    expected = demo_con.execute(
        "select count(distinct user_key) from mart_session_totals where day between $s and $e", {"s": start, "e": end}
    ).fetchone()[0]
    got = demo_con.execute(
        "select sum(value) from mart_day_counts where grain = 'all' and measure = 'visitors' "
        "and day between $s and $e and (prev_day is null or prev_day < $s)",
        {"s": start, "e": end},
    ).fetchone()[0]
    assert got == expected > 0
