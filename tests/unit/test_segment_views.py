"""What the Segments page reads and how it folds small segments, on a segmented handmade shop."""

import pandas as pd
import pytest

from analytics.core import jobs, warehouse
from analytics.segments import views as segment_views
from analytics.segments.job import SegmentParams, segment_job
from analytics.trust import export
from tests.segments.shops import typed_shop


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    from models.settings import Settings

    settings = Settings(db_path=tmp_path_factory.mktemp("views") / "warehouse.duckdb")
    assert jobs.run_job(settings, "load", lambda ctx: typed_shop(ctx.con, 150)).status == "done"
    assert (
        jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(clusters=3, text="off"))).status
        == "done"
    )
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    yield con
    con.close()


def test_latest_run_parses_its_evidence(reader):
    run = segment_views.latest_run(reader)
    assert run["run_id"] == 1 and run["k"] == 3 and run["metrics"]["chosen_by"] == "user"
    assert segment_views.k_evidence(run).empty  # k was set by hand: no candidates


BUYERS_PER_SEGMENT = """
select s.segment_id, avg(cast(b.user_id is not null as double)) as buyers_share
from user_segments s
left join (select distinct user_id from events where event_type = 'purchase') b on b.user_id = s.user_id
where s.run_id = 1
group by s.segment_id
"""


def test_profiles_carry_figures_and_traits(reader):
    profiles = segment_views.run_profiles(reader, 1).set_index("segment_id")
    assert profiles["count_users"].tolist() == [50, 50, 50]
    # Conversion rate = share of the segment's users who ordered, counted here from the events.
    bought = reader.execute(BUYERS_PER_SEGMENT).df().set_index("segment_id")["buyers_share"]
    assert profiles["conversion_rate"].to_dict() == pytest.approx(bought.to_dict())
    assert sorted(bought)[0] == 0.0  # the window shoppers never buy, and their segment says so
    assert profiles["share_users"].sum() == pytest.approx(1.0)
    for traits in profiles["traits"]:
        assert traits and all(t["sentence"] and t["feature"] and t["effect"] != 0 for t in traits), traits


def test_display_labels_fold_small_segments():
    profiles = pd.DataFrame({"segment_id": [0, 1, 2], "name": ["A", "B", "C"], "count_users": [40, 19, 5]})
    assert segment_views.display_labels(profiles, 20) == {0: "A", 1: segment_views.OTHER, 2: segment_views.OTHER}
    assert segment_views.other_size(profiles, 20) == (2, 24)


def test_fold_segment_funnel_sums_folded_segments_and_recomputes_rates():
    groups = pd.DataFrame(
        {
            "segment": ["0: A", "1: B", "2: C", "(no segment)"],
            "users_view": [100, 10, 8, 3],
            "users_cart": [20, 4, 2, 0],
            "users_purchase": [10, 2, 1, 0],
        }
    )
    folded = segment_views.fold_segment_funnel(groups, {0: "A", 1: "Other", 2: "Other"}).set_index("segment")
    assert folded.loc["Other", ["users_view", "users_cart", "users_purchase"]].tolist() == [18, 6, 3]
    assert folded.loc["Other", "overall_conversion"] == pytest.approx(3 / 18)
    assert folded.loc["Other", "purchase_conversion"] == pytest.approx(3 / 6)
    assert list(folded.index) == ["A", "Other", "(no segment)"]


def test_members_export_leaves_out_users_without_consent(reader):
    members = segment_views.members(reader, 1, 0)
    assert len(members) == 50 and set(members["run_id"]) == {1} and set(members["segment_id"]) == {0}
    safe = export.safe_user_list(members, min_group_size=20)
    assert len(safe) == int((members["marketing_consent"] != False).sum()) < 50  # noqa: E712 - null is kept
    assert set(safe["run_id"]) == {1}


def test_map_points_use_display_labels(reader):
    points = segment_views.map_points(
        reader.execute("select segment_id, map_x, map_y from segment_map_points where run_id = 1").df(),
        {0: "A", 1: "B", 2: "Other"},
    )
    assert len(points) == 150 and set(points["segment"]) == {"A", "B", "Other"}


def test_comparison_puts_two_segments_side_by_side(reader):
    profiles = segment_views.run_profiles(reader, 1)
    table = segment_views.comparison(profiles, 0, 2).set_index("Measure")
    assert list(table.columns) == [profiles.loc[0, "name"], profiles.loc[2, "name"]]
    assert table.loc["Users"].tolist() == ["50", "50"]
