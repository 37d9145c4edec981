"""Opportunities: expected values worked out by hand, the baseline read from the modules that
measure it (on the small segmented demo), and the `opportunities` command."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analytics.campaigns import opportunities
from analytics.campaigns.opportunities import Assumptions, MeasuredUplift
from analytics.cli import main
from analytics.conversion import funnels, rfm
from analytics.core import jobs, warehouse
from analytics.core.filters import Filters
from analytics.segments import views as segment_views
from analytics.trust import privacy


def baseline(segment_id, name, reachable, aov, clv, **extra) -> dict:
    return {
        "segment_id": segment_id,
        "segment": name,
        "users": reachable + 100,
        "reachable_users": reachable,
        "conversion_rate": 0.5,
        "avg_order_value": aov,
        "clv": clv,
        "churn_risk": 0.4,
        "drop_step": "cart → purchase",
        "drop_step_rate": 0.3,
        "shop_step_rate": 0.5,
        "complaints": "",
        "currency": "EUR",
        **extra,
    }


@pytest.fixture
def shop() -> pd.DataFrame:
    """Three segments. At the 2-point prior and each segment's order value:
    at-risk 1,240 x 0.02 x 61 = 1,512.8; loyal 300 x 0.02 x 200 = 1,200; new ones have no orders."""
    return pd.DataFrame(
        [
            baseline(0, "Loyal", 300, 200.0, 3000.0),
            baseline(1, "At-risk high-CLV customers", 1240, 61.0, 500.0),
            baseline(2, "New visitors", 800, None, None),
        ],
        columns=opportunities.BASELINE_COLUMNS,
    )


def test_expected_value_is_reachable_times_uplift_times_value():
    assert opportunities.expected_value(1240, 2.0, 61.0) == pytest.approx(1512.8)
    assert opportunities.expected_value(0, 2.0, 61.0) == 0.0


def test_ranked_by_expected_value_at_the_stated_prior(shop):
    ranked = opportunities.rank(shop, Assumptions())
    assert list(ranked.columns) == opportunities.OPPORTUNITY_COLUMNS
    assert list(ranked["segment_id"]) == [1, 0, 2]  # 1,512.8, 1,200, no value (last)
    assert list(ranked["expected_value"][:2]) == pytest.approx([1512.8, 1200.0])
    assert list(ranked["extra_conversions"]) == pytest.approx([24.8, 6.0, 16.0])
    assert math.isnan(ranked["expected_value"].iloc[2])
    assert ranked["sentence"].iloc[0] == (
        "At-risk high-CLV customers: 1,240 reachable users; at a 2-point uplift and 61 EUR "
        "average order value: about 1,500 EUR in extra revenue."
    )
    assert ranked["sentence"].iloc[2] == (
        "New visitors: 800 reachable users; no orders yet, so no value per conversion to assume: set one by hand."
    )


def test_every_assumption_changes_the_result(shop):
    three = opportunities.rank(shop, Assumptions(uplift_points=3.0))
    assert list(three["expected_value"][:2]) == pytest.approx([2269.2, 1800.0])  # 1,240 x 0.03 x 61; 300 x 0.03 x 200
    assert "at a 3-point uplift" in three["sentence"].iloc[0]
    clv = opportunities.rank(shop, Assumptions(value_basis="clv"))
    # 300 x 0.02 x 3,000 = 18,000 now leads 1,240 x 0.02 x 500 = 12,400.
    assert list(clv["segment_id"]) == [0, 1, 2]
    assert list(clv["expected_value"][:2]) == pytest.approx([18000.0, 12400.0])
    assert (
        clv["sentence"]
        .iloc[0]
        .endswith("3,000 EUR predicted CLV: about 18,000 EUR in extra customer value over a year.")
    )
    fixed = opportunities.rank(shop, Assumptions(value_basis="fixed", fixed_value=25.0))
    # Everyone worth 25: the most reachable users lead, the segment without orders included.
    assert list(fixed["segment_id"]) == [1, 2, 0]
    assert list(fixed["expected_value"]) == pytest.approx([620.0, 400.0, 150.0])


def test_the_uplift_defaults_to_a_measured_one_when_there_is_one():
    prior = Assumptions()
    assert (prior.points, prior.uplift_source()) == (
        2.0,
        "a stated prior: no campaign of this shop has been measured yet",
    )
    measured = Assumptions(measured=MeasuredUplift(points=3.5, campaigns=4))
    assert (measured.points, measured.uplift_source()) == (3.5, "measured on 4 of this shop's past campaigns")
    assert Assumptions(uplift_points=2.0, measured=MeasuredUplift(3.5, 4)).uplift_source() == "set by hand"
    assert Assumptions(uplift_points=2.0).uplift_source().startswith("a stated prior")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"uplift_points": 0.0}, "uplift_points must be above 0 and at most 100 (got 0.0)"),
        ({"uplift_points": 120.0}, "uplift_points must be above 0"),
        ({"uplift_points": float("nan")}, "uplift_points must be above 0"),
        ({"value_basis": "ltv"}, "value_basis must be one of aov, clv, fixed (got 'ltv')"),
        ({"value_basis": "fixed"}, "fixed_value must be a number above 0 when value_basis is 'fixed' (got None)"),
        ({"value_basis": "fixed", "fixed_value": -5.0}, "fixed_value must be a number above 0"),
        ({"value_basis": "fixed", "fixed_value": float("inf")}, "fixed_value must be a number above 0"),
    ],
)
def test_bad_assumptions_are_refused_naming_the_field(fields, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Assumptions(**fields)


def test_about_keeps_two_significant_figures():
    assert [opportunities.about(v) for v in (1512.8, 47.3, 0.456, 0.0)] == [1500, 47, 0.46, 0.0]


@pytest.fixture
def reader(segmented):
    con = warehouse.open_reader(warehouse.current_snapshot(segmented))
    yield con
    con.close()


def test_baseline_reuses_the_profiles_rfm_funnel_and_consent(reader):
    table = opportunities.baselines(reader).set_index("segment_id")
    profiles = segment_views.run_profiles(reader, 1).set_index("segment_id")
    assert list(table.index) == list(profiles.index)
    assert (table["users"] == profiles["count_users"]).all()
    for column in ("conversion_rate", "avg_order_value", "clv"):
        assert table[column].to_dict() == pytest.approx(profiles[column].to_dict())
    bounds = reader.execute("select min(event_time)::date, max(event_time)::date from events").fetchone()
    everything = Filters(*bounds)
    scores = rfm.scores(reader, everything, profiles["currency"].iloc[0])
    shop = funnels.funnel(reader, everything).set_index("step")["users_step_conversion"]
    for segment_id, row in table.iterrows():
        members = segment_views.members(reader, 1, segment_id)
        assert row.reachable_users == len(privacy.consenting(members)) < row.users  # some declined
        churn = scores[scores["user_id"].isin(members["user_id"])]["churn_risk"].mean()
        assert row.churn_risk == pytest.approx(churn)
        assert row.drop_step in ("view → cart", "cart → purchase")
        step = "cart" if row.drop_step == "view → cart" else "purchase"
        assert row.shop_step_rate == pytest.approx(shop[step])
    groups = funnels.funnel_breakdown(reader, everything, funnels.FunnelOptions(), ("segment",))
    first = groups[groups["segment"].str.startswith("0:")].iloc[0]
    assert table.loc[0, "drop_step_rate"] == pytest.approx(min(first.cart_conversion, first.purchase_conversion))


def test_cli_prints_a_sentence_and_the_baseline_per_segment(segmented, capsys):
    assert main(["--db", str(segmented.db_path), "opportunities"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("uplift 2 points (a stated prior: no campaign of this shop has been measured yet)")
    sentences = [line for line in out if line[:1].isdigit()]
    assert sentences and all("reachable users; at a 2-point uplift and" in s for s in sentences)
    assert "have ordered" in out[2] and "drops most at" in out[2]


def test_cli_json_holds_the_ranked_segments_and_the_assumptions(segmented, reader, capsys):
    argv = ["--db", str(segmented.db_path), "opportunities", "--uplift-points", "1.5", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assumptions"] == {
        "uplift_points": 1.5,
        "uplift_source": "set by hand",
        "value_basis": "aov",
        "fixed_value": None,
    }
    expected = opportunities.rank(opportunities.baselines(reader), Assumptions(uplift_points=1.5))
    expected = expected[expected["reachable_users"] >= segmented.min_group_size]
    rows = data["opportunities"]
    assert [r["segment_id"] for r in rows] == list(expected["segment_id"])
    assert [r["expected_value"] for r in rows] == pytest.approx(list(expected["expected_value"]))
    assert set(rows[0]) == set(opportunities.OPPORTUNITY_COLUMNS)
    assert data["hidden_segments"] == len(opportunities.baselines(reader)) - len(rows)


def test_cli_hides_segments_under_the_minimum_reachable_users(segmented, reader, capsys, monkeypatch):
    smallest = int(opportunities.baselines(reader)["reachable_users"].min())
    monkeypatch.setenv("MA_MIN_GROUP_SIZE", str(smallest + 1))
    assert main(["--db", str(segmented.db_path), "opportunities", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(r["reachable_users"] > smallest for r in data["opportunities"])
    assert data["hidden_segments"] >= 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--uplift-points", "0"], "--uplift-points: uplift_points must be above 0"),
        (["--uplift-points", "150"], "--uplift-points: uplift_points must be above 0 and at most 100 (got 150.0)"),
        (["--value-per-conversion", "-1"], "--value-per-conversion: fixed_value must be a number above 0"),
    ],
)
def test_cli_names_the_bad_option(segmented, capsys, extra, message):
    assert main(["--db", str(segmented.db_path), "opportunities", *extra]) == 2
    assert message in capsys.readouterr().err


def test_cli_without_segment_runs_says_what_to_run(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "opportunities"]) == 2
    assert "python -m analytics segment" in capsys.readouterr().err
