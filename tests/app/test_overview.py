"""Overview page on the small demo shop: cards, filters, trend grain, small groups."""

import numpy as np

from analytics.conversion import trends
from analytics.core.metrics import METRICS
from tests.app.conversion_support import default_filters, metric, table_with


def _visitors(con, **lists) -> int:
    totals = trends.traffic_totals(con, default_filters(con, **lists))
    return int(totals.loc[totals["period"] == "current", "visitors"].iloc[0])


def test_cards_show_the_period_numbers(demo_app, demo_con):
    at = demo_app("overview")
    at.run()
    assert not at.exception
    assert metric(at, "Visitors") == f"{_visitors(demo_con):,}"
    assert {"Conversion rate", "Cart rate", "Repeat-purchase rate"} <= {m.label for m in at.metric}


def test_device_filter_changes_the_cards(demo_app, demo_con):
    at = demo_app("overview")
    at.run()
    before = metric(at, "Visitors")
    at.multiselect(key="flt_devices").set_value(["tablet"]).run()
    assert not at.exception
    assert metric(at, "Visitors") == f"{_visitors(demo_con, devices=('tablet',)):,}" != before


def _verdict(change: trends.Change) -> str:
    """What a card should say under its delta, from the test's p-value."""
    if change.p_value is None:
        return "not testable"
    return f"significant, p={change.p_value:.3f}" if change.significant else "normal variation"


def test_cards_say_whether_a_change_is_significant(demo_app, demo_con):
    at = demo_app("overview")
    at.run()
    shown = {m.label: m.proto.delta_description for m in at.metric if m.proto.delta}
    flt = default_filters(demo_con)
    changes = trends.traffic_changes(trends.traffic_totals(demo_con, flt), trends.traffic_trend(demo_con, flt, "day"))
    expected = {METRICS[c.metric].label: _verdict(c) for c in changes if not np.isnan(c.relative)}
    assert len(expected) >= 3
    assert {label: shown.get(label) for label in expected} == expected


def test_weekly_grain_changes_the_trend_table(demo_app, demo_con):
    at = demo_app("overview")
    at.run()
    daily = trends.traffic_trend(demo_con, default_filters(demo_con), "day")
    assert len(table_with(at, "conversion rate")) == (daily["visitors"] >= 20).sum()  # small days hidden
    at.radio(key="ov_grain").set_value("week").run()
    assert len(table_with(at, "conversion rate")) == 2 * 4


def test_filters_leaving_too_few_visitors_hide_the_numbers(demo_app):
    at = demo_app("overview", min_group_size=100_000)
    at.run()
    assert not at.exception
    assert len(at.metric) == 0
    assert any("are not shown" in w.value for w in at.warning)


def test_stale_marts_are_flagged(settings):
    from analytics.core import jobs
    from tests.app.conftest import make_app
    from tests.conftest import shared_sample
    from tests.unit.conversion.samples import REES46, load_rees46

    def load(ctx):  # a kind outside MART_REFRESH_KINDS: events published, marts not rebuilt
        load_rees46(ctx, shared_sample(REES46))

    jobs.run_job(settings, "load", load)
    at = make_app(settings, "overview")
    at.run()
    assert not at.exception
    assert any("older than the data" in w.value for w in at.warning)
