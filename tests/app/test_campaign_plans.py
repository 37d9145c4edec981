"""The Campaigns view of the Campaign studio: plans, results with their interval chart, planning."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from analytics.campaigns import drafts, plans
from analytics.cli import main
from analytics.core import jobs, warehouse
from analytics.trust.access import Actor, Role
from dashboard.components import campaign_plans
from tests.app.conftest import make_app
from tests.conftest import build_segmented

BARGAINS, FASHION = "Bargain hunters: October deals", "Fashion lovers: new season"
VIEWER = {"is_logged_in": True, "email": "viewer@shop.test"}


def _page(settings, user=None, **extra):
    at = make_app(settings, "campaigns", **extra)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def _choose(at, name):
    picker = at.selectbox(key="cv_campaign")
    campaign_id = next(int(label.split(":")[0]) for label in picker.options if label.endswith(name))
    picker.set_value(campaign_id).run()
    assert not at.exception, at.exception
    return campaign_id


def _true_conversion_lift(settings, campaign_id):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        query = "select true_lift from demo_campaign_effects where campaign = $c and metric = 'conversion'"
        return con.execute(query, {"c": campaign_id}).fetchone()[0]
    finally:
        con.close()


def _table_with(at, column):
    return next(t.value for t in at.dataframe if column in t.value.columns)


def test_plans_list_shows_the_demo_campaigns_with_their_status(campaign_shop):
    at = _page(campaign_shop)
    plans_table = _table_with(at, "Sends").set_index("Name")
    assert plans_table.loc[[BARGAINS, FASHION], "Status"].tolist() == ["results ready"] * 2
    assert plans_table.loc[BARGAINS, "Variants"] == "A, B" and plans_table.loc[BARGAINS, "Holdout"] == 20.0
    assert plans_table.loc[BARGAINS, "Audience"] == "demo group: bargain_hunter"


def test_results_of_the_planted_campaign_cover_the_truth_in_the_interval_chart(campaign_shop):
    at = _page(campaign_shop)
    campaign_id = _choose(at, BARGAINS)
    arms = _table_with(at, "Conversions")
    assert arms["Arm"].tolist() == ["A", "B", "holdout"] and (arms["Users"] >= 20).all()
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "lift" in c.proto.spec]
    headline = chart["data"][0]
    assert headline["customdata"][0] == "All variants" and headline["name"] == "CUPED-adjusted"
    low = headline["x"][0] - headline["error_x"]["arrayminus"][0]
    high = headline["x"][0] + headline["error_x"]["array"][0]
    truth = 100 * _true_conversion_lift(campaign_shop, campaign_id)
    assert 0 < low < truth < high  # the planted effect is found, and the interval covers it
    assert [trace["name"] for trace in chart["data"]] == ["CUPED-adjusted", "Unadjusted (Newcombe)"]
    assert any("fixed-horizon 95% intervals" in c.value for c in at.caption)
    assert any(m.label.startswith("CUPED variance reduction") for m in at.metric)
    assert not any("not complete" in w.value for w in at.warning)


def test_a_window_still_open_is_labelled_partial(campaign_shop, monkeypatch):
    # Read on the campaign's fourth day: the data runs further, but the window has not ended.
    monkeypatch.setattr(campaign_plans, "today", lambda: date(2026, 10, 4))
    at = _page(campaign_shop)
    _choose(at, BARGAINS)
    assert _table_with(at, "Sends").set_index("Name").loc[BARGAINS, "Status"] == "window open"
    (warning,) = [w.value for w in at.warning if "not complete" in w.value]
    assert "partial figures" in warning and "fixed-horizon, not sequentially valid" in warning


def test_a_viewer_sees_plans_and_results_but_cannot_plan_or_export(campaign_shop):
    at = _page(campaign_shop, user=VIEWER, demo_mode=False)
    assert any("needs the marketer role" in i.value for i in at.info)  # the copy studio
    _choose(at, BARGAINS)
    assert at.get("plotly_chart")
    captions = [c.value for c in at.caption]
    assert "Send lists need the marketer role." in captions
    assert "Planning a campaign needs the marketer role." in captions
    assert not at.get("download_button") and not [b for b in at.button if b.key == "cv_create"]


def test_send_lists_offer_each_variant_and_never_the_holdout(campaign_shop):
    at = _page(campaign_shop)
    _choose(at, BARGAINS)
    assert at.selectbox(key="cv_send_variant").options == ["A", "B"]
    keys = [b.proto.id for b in at.get("download_button")]
    assert any(k.endswith("cv_send_csv") for k in keys) and any(k.endswith("cv_send_parquet") for k in keys)


def test_planning_a_campaign_previews_the_draw_the_plan_job_stores(tmp_path, monkeypatch):
    shop = build_segmented(tmp_path / "warehouse.duckdb")
    marketer = Actor("mia", Role.MARKETER)
    ids = []
    for text in ("Autumn is here", "New in for autumn"):
        draft = drafts.NewDraft(1, 0, "Segment", "email_subject", {}, "model", 0, text, {"length": {"passed": True}})
        ids.append(drafts.save(shop, marketer, draft))
        drafts.approve(shop, marketer, ids[-1])
    launched = []
    monkeypatch.setattr(jobs, "launch_job", lambda settings, kind, argv, params, actor: launched.append(argv) or 7)
    at = _page(shop)
    assert at.info[-1].value.startswith("No campaign plans yet")
    at.text_input(key="cv_name").input("Autumn launch").run()
    at.multiselect(key="cv_variants").set_value(ids).run()
    at.number_input(key="cv_seed").set_value(42).run()
    assert not at.exception, at.exception
    preview = _table_with(at, "RFM tier")
    assert {"A", "B", "holdout", "Held out"} <= set(preview.columns)
    at.button(key="cv_create").click().run()
    assert any("Plan job #7 started" in s.value for s in at.success)

    (argv,) = launched
    assert argv[:2] == ["plan", "--segment"] and argv[argv.index("--seed") + 1] == "42"
    assert main(["--db", str(shop.db_path), *argv]) == 0  # what the launched job runs
    at = _page(shop)
    plans_table = _table_with(at, "Sends")
    assert plans_table["Name"].tolist() == ["Autumn launch"] and plans_table["Status"].tolist() == ["planned"]
    assert any(i.value.startswith("No send log yet") for i in at.info)
    stored = _table_with(at, "RFM tier")
    assert stored.equals(preview)  # the stored plan is the draw that was previewed
    assert plans_table["Users"].iloc[0] > 0 and plans.HOLDOUT in stored.columns
    start = datetime.now(UTC).date() + timedelta(days=1)
    assert argv[argv.index("--start") + 1] == start.isoformat()
