"""Results on the demo's past campaigns: the planted effect recovered, the JSON of the commands,
labelled partial windows, the minimum group size."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from analytics.campaigns import drafts, results
from analytics.cli import main
from analytics.trust.access import Actor, Role

EFFECT, NO_EFFECT = 1, 2  # the demo's campaigns, in DemoParams.campaigns order


def _truth(con, campaign: int, metric: str) -> float:
    return con.execute(
        "select true_lift from demo_campaign_effects where campaign = $c and metric = $m", {"c": campaign, "m": metric}
    ).fetchone()[0]


def test_the_planted_conversion_effect_is_inside_its_interval(shop_con):
    result = results.compute(shop_con, EFFECT)
    truth = _truth(shop_con, EFFECT, "conversion")
    lift = result["lift"]
    print(f"true {truth:.4f}, estimate {lift['estimate']:.4f} [{lift['low']:.4f}, {lift['high']:.4f}]")
    assert truth > 0.05
    assert lift["low"] <= truth <= lift["high"]
    assert lift["low"] > 0  # and the campaign is seen to work
    assert lift["adjustment"] == "cuped" and result["window_complete"]


def test_the_campaign_without_an_effect_has_zero_inside_its_interval(shop_con):
    result = results.compute(shop_con, NO_EFFECT)
    assert _truth(shop_con, NO_EFFECT, "conversion") == 0.0
    assert result["lift"]["low"] <= 0 <= result["lift"]["high"]


def test_revenue_per_user_lift_covers_the_planted_revenue(shop_con):
    result = results.compute(shop_con, EFFECT)
    for row in result["revenue_per_user"]:
        truth = _truth(shop_con, EFFECT, f"revenue_per_user_{row['currency']}")
        assert row["low"] <= truth <= row["high"], row
        assert row["method"] == "welch t"


def test_arms_and_sends_add_up(shop_con):
    result = results.compute(shop_con, EFFECT)
    arms = {a["arm"]: a for a in result["arms"]}
    assert set(arms) == {"A", "B", "holdout"}
    assert arms["holdout"]["sent"] == 0 and arms["A"]["sent"] == arms["A"]["users"]
    assert result["sends"] == {
        "recorded": arms["A"]["users"] + arms["B"]["users"],
        "holdout_sent": 0,
        "other_variant_sent": 0,
        "drawn_not_sent": 0,
    }
    for arm in arms.values():
        assert arm["rate"] == pytest.approx(arm["conversions"] / arm["users"])
    assert [v["variant"] for v in result["variants"]] == ["A", "B"]


def test_a_result_read_before_the_window_ends_is_labelled(shop_con):
    early = results.compute(shop_con, EFFECT, now=datetime(2026, 10, 5, 12, 0))
    assert early["window_complete"] is False and early["lift"]["window_complete"] is False
    assert any("is not complete" in w and "partial figures" in w for w in early["warnings"])


def test_the_minimum_group_size_hides_small_arms(shop_con):
    result = results.compute(shop_con, EFFECT)
    holdout = next(a for a in result["arms"] if a["arm"] == "holdout")["users"]
    shown = results.shown(result, min_group_size=holdout + 1)
    assert next(a for a in shown["arms"] if a["arm"] == "holdout") == {"arm": "holdout", "hidden": True, "users": None}
    assert shown["lift"]["estimate"] is None and shown["lift"]["withheld"]
    assert "not shown (min_group_size): holdout" in shown["warnings"][-1]
    assert results.shown(result, min_group_size=20) is result


def test_results_json_contract(campaign_shop, capsys):
    assert main(["--db", str(campaign_shop.db_path), "results", "--campaign", str(EFFECT), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["campaign"] == EFFECT
    for arm in out["arms"]:
        assert {"arm", "users", "conversions", "rate"} <= set(arm)
    assert {"metric", "estimate", "low", "high", "adjustment", "window_complete"} <= set(out["lift"])
    assert out["lift"]["metric"] == "conversion" and out["lift"]["low"] < out["lift"]["estimate"] < out["lift"]["high"]
    assert {"used", "theta", "variance_reduction", "pre_days"} <= set(out["cuped"])
    assert {r["currency"] for r in out["revenue_per_user"]} == {"USD", "EUR"}
    assert out["lift"]["unadjusted"]["method"] == "newcombe hybrid score"


def test_results_text_and_unknown_campaign(campaign_shop, capsys):
    assert main(["--db", str(campaign_shop.db_path), "results", "--campaign", "Bargain hunters: October deals"]) == 0
    text = capsys.readouterr().out
    assert "conversion lift (all variants - holdout)" in text and "95% interval" in text
    assert main(["--db", str(campaign_shop.db_path), "results", "--campaign", "77"]) == 2
    assert "--campaign 77: there is no such campaign (campaigns: " in capsys.readouterr().err


def test_campaigns_lists_the_plans_with_their_ids(campaign_shop, capsys):
    assert main(["--db", str(campaign_shop.db_path), "campaigns", "--json"]) == 0
    listed = {c["campaign_id"]: c for c in json.loads(capsys.readouterr().out)["campaigns"]}
    assert {EFFECT, NO_EFFECT} <= set(listed)
    effect = listed[EFFECT]
    assert (effect["name"], effect["start_day"], effect["end_day"]) == (
        "Bargain hunters: October deals",
        "2026-10-01",
        "2026-10-14",
    )
    assert effect["count_sends"] == effect["count_treated"] > 0 and effect["count_holdout"] > 0


def test_plan_command_draws_a_plan_for_a_saved_audience(campaign_shop, capsys):
    db = ["--db", str(campaign_shop.db_path)]
    audience = ["save-audience", "--name", "carts", "--step", "cart", "--start", "2026-08-01", "--end", "2026-09-30"]
    assert main(db + audience) == 0
    audience_id = int(capsys.readouterr().out.split()[1])
    marketer = Actor("mia", Role.MARKETER)
    checks = {"length": {"passed": True, "detail": "ok"}}
    ids = []
    for text in ("Still thinking about it?", "Your cart misses you"):
        draft = drafts.NewDraft(1, 0, "carts", "push", {}, "model", 0, text, checks)
        ids.append(drafts.save(campaign_shop, marketer, draft))
        drafts.approve(campaign_shop, marketer, ids[-1])
    plan = ["plan", "--audience", str(audience_id), "--name", "Cart reminder", "--channel", "push"]
    plan += ["--variants", ",".join(map(str, ids)), "--start", "2026-12-10", "--end", "2026-12-16", "--seed", "4"]
    assert main(db + [*plan, "--holdout", "0"]) == 2
    assert "--holdout must be a share strictly between 0 and 1 (got 0)" in capsys.readouterr().err
    assert main(db + [*plan, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["name"] == "Cart reminder" and summary["seed"] == 4
    assert set(summary["arms"]) == {"A", "B", "holdout"}
    assert summary["arms"]["holdout"] == round(0.1 * sum(summary["arms"].values()))
    assert {"stratum", "A", "B", "holdout", "users", "holdout_share"} <= set(summary["balance"][0])
    assert main(db + ["results", "--campaign", "Cart reminder", "--json"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert early["window_complete"] is False
    assert any("no send log has been imported" in w for w in early["warnings"])
    assert main(db + plan) == 2
    assert "'Cart reminder' is already a campaign" in capsys.readouterr().err


def test_send_list_command_never_exports_the_holdout(campaign_shop, tmp_path, capsys):
    db = ["--db", str(campaign_shop.db_path)]
    out = tmp_path / "a.csv"
    assert main(db + ["send-list", "--campaign", str(EFFECT), "--variant", "A", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "user_id,marketing_consent,campaign_id,variant" and len(lines) > 50
    assert main(db + ["send-list", "--campaign", str(EFFECT), "--variant", "holdout", "--out", str(out)]) == 2
    assert "never exported for sending" in capsys.readouterr().err
