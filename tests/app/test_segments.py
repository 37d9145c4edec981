"""Segments page on a small segmented demo shop: cards, privacy folding, comparison, funnel,
opportunities, export, rebuild."""

import pytest

from analytics.campaigns import opportunities
from analytics.core import jobs, warehouse
from analytics.segments import views as segment_views
from analytics.trust.access import Actor, Role
from dashboard.components import frame
from tests.app.conftest import make_app
from tests.app.conversion_support import default_filters, table_with


@pytest.fixture
def reader(segmented):
    con = warehouse.open_reader(warehouse.current_snapshot(segmented))
    yield con
    con.close()


def _run(settings, **extra):
    at = make_app(settings, "segments", **extra)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_shows_the_latest_run_and_one_card_per_segment(segmented, reader):
    at = _run(segmented)
    profiles = segment_views.run_profiles(reader, 1)
    assert at.title[0].value == "Segments"
    assert any(m.value.startswith("Run 1, finished") and "4 segments (set by hand)" in m.value for m in at.markdown)
    shown = profiles[profiles["count_users"] >= 20]
    assert [m.value for m in at.markdown if m.value.startswith("#### ")] == [f"#### {n}" for n in shown["name"]]


def test_segments_below_the_minimum_size_are_folded_into_other(segmented, reader):
    profiles = segment_views.run_profiles(reader, 1)
    limit = int(profiles["count_users"].sort_values().iloc[1]) + 1  # the two smallest fall below
    at = _run(segmented, min_group_size=limit)
    cards = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(cards) == len(profiles) - 2
    assert any(c.value.startswith("Other: 2 segment(s) with fewer than") for c in at.caption)


def test_comparison_follows_the_chosen_segments(segmented, reader):
    at = _run(segmented)
    profiles = segment_views.run_profiles(reader, 1).set_index("segment_id")
    first = table_with(at, "Measure")
    assert list(first.columns[1:]) == [profiles.loc[0, "name"], profiles.loc[1, "name"]]
    at.selectbox(key="seg_compare_b").set_value(2).run()
    second = table_with(at, "Measure")
    assert list(second.columns[1:]) == [profiles.loc[0, "name"], profiles.loc[2, "name"]]
    users = second.set_index("Measure").loc["Users", profiles.loc[2, "name"]]
    assert users == f"{profiles.loc[2, 'count_users']:,}"


def test_funnel_per_segment_follows_the_sidebar_filters(segmented, reader):
    from analytics.conversion import funnels

    at = _run(segmented)
    before = table_with(at, "Viewed").set_index("Segment")["Viewed"]
    at.multiselect(key="flt_devices").set_value(["mobile"]).run()
    after = table_with(at, "Viewed").set_index("Segment")["Viewed"]
    labels = segment_views.display_labels(segment_views.run_profiles(reader, 1), 20)
    groups = funnels.funnel_breakdown(
        reader, default_filters(reader, devices=("mobile",)), funnels.FunnelOptions(), ("segment",)
    )
    expected = segment_views.fold_segment_funnel(groups, labels).set_index("segment")["users_view"]
    assert after.to_dict() == expected[expected >= 20].to_dict()
    assert (after < before.reindex(after.index)).all()


def _opportunities(reader, assumptions, min_users=20):
    ranked = opportunities.rank(opportunities.baselines(reader), assumptions)
    return ranked[ranked["reachable_users"] >= min_users].reset_index(drop=True)


def test_opportunities_rank_the_segments_at_the_stated_prior(segmented, reader):
    at = _run(segmented)
    table = table_with(at, "In a sentence")
    expected = _opportunities(reader, opportunities.Assumptions())
    assert list(table["Segment"]) == list(expected["segment"])
    assert list(table["Expected value"]) == pytest.approx(list(expected["expected_value"]))
    assert table["Expected value"].is_monotonic_decreasing
    assert (table["Reachable users"] >= 20).all()
    first = expected.iloc[0]
    assert table["In a sentence"].iloc[0] == (
        f"{first.segment}: {first.reachable_users:,} reachable users; at a 2-point uplift and "
        f"{first.avg_order_value:,.0f} USD average order value: about "
        f"{opportunities.about(first.expected_value):,.0f} USD in extra revenue."
    )
    assert any("Uplift: 2 points, a stated prior" in c.value for c in at.caption)


def test_the_uplift_and_value_assumptions_are_editable(segmented, reader):
    at = _run(segmented)
    before = table_with(at, "In a sentence").set_index("Segment")["Expected value"]
    at.number_input(key="opp_uplift").set_value(3.0).run()
    after = table_with(at, "In a sentence").set_index("Segment")
    assert after["Expected value"].to_dict() == pytest.approx((before * 1.5).to_dict())
    assert all("at a 3-point uplift" in sentence for sentence in after["In a sentence"])
    assert any("Uplift: 3 points, set by hand" in c.value for c in at.caption)
    at.selectbox(key="opp_value_basis").set_value("fixed").run()
    at.number_input(key="opp_fixed_value").set_value(10.0).run()
    fixed = table_with(at, "In a sentence")
    assert list(fixed["Expected value"]) == pytest.approx(list(fixed["Reachable users"] * 0.03 * 10))
    by_hand = opportunities.Assumptions(uplift_points=3.0, value_basis="fixed", fixed_value=10.0)
    assert list(fixed["Segment"]) == list(_opportunities(reader, by_hand)["segment"])


def test_export_offers_the_segment_with_its_run(segmented, reader):
    at = _run(segmented)
    at.selectbox(key="seg_export_segment").set_value(1).run()
    members = segment_views.members(reader, 1, 1)
    assert any(m.value.startswith(f"{len(members):,} users in this segment (run 1)") for m in at.markdown)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download PARQUET"]
    assert buttons[0].proto.id.endswith("seg_export_csv")


def test_rebuild_starts_a_segment_job(segmented, monkeypatch):
    launched = []
    monkeypatch.setattr(jobs, "launch_job", lambda settings, kind, argv, params, actor: launched.append(argv) or 99)
    at = _run(segmented)
    at.number_input(key="seg_rebuild_k").set_value(3)
    at.selectbox(key="seg_rebuild_text").set_value("off")
    at.button(key="seg_rebuild").click().run()
    assert launched == [["segment", "--seed", "0", "--text", "off", "--clusters", "3"]]


def test_without_a_run_the_page_offers_to_build_one(demo_app):
    at = demo_app("segments")
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("No segments yet")
    assert at.button(key="seg_rebuild")


def test_viewers_do_not_get_the_page():
    spec = next(p for p in frame.PAGES if p.title == "Segments")
    assert spec.action == "view_segments" and spec.uses_filters
    assert not Actor("manager", Role.VIEWER).can(spec.action) and Actor("marketer", Role.MARKETER).can(spec.action)
