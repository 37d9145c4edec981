"""Plans: the holdout's balance and determinism, consent, refusals, drafts as variants, send lists."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.campaigns import drafts, plans
from analytics.trust.access import Actor, PermissionDenied, Role
from analytics.trust.export import ExportRefused
from tests.unit.campaigns import support


def _strata(sizes: dict[str, int]) -> pd.Series:
    users = [f"u{i:05d}" for i in range(sum(sizes.values()))]
    labels = [name for name, n in sizes.items() for _ in range(n)]
    return pd.Series(labels, index=users)


def test_the_draw_is_the_same_for_the_same_seed_whatever_the_input_order():
    strata = _strata({"Champions": 120, "At risk": 80, plans.NO_ORDERS: 300})
    first = plans.assign_arms(strata, 0.1, ["A", "B"], seed=5)
    again = plans.assign_arms(strata.sample(frac=1.0, random_state=1), 0.1, ["A", "B"], seed=5)
    other = plans.assign_arms(strata, 0.1, ["A", "B"], seed=6)
    pd.testing.assert_frame_equal(first, again)
    assert not first["arm"].equals(other["arm"])


def test_every_tier_gives_the_holdout_its_share():
    sizes = {"Champions": 123, "Loyal": 77, "At risk": 41, "Hibernating": 9, plans.NO_ORDERS: 750}
    drawn = plans.assign_arms(_strata(sizes), 0.1, ["A", "B", "C"], seed=2)
    held = drawn[drawn["arm"] == plans.HOLDOUT].groupby("stratum").size()
    assert held.sum() == round(0.1 * 1000)
    for stratum, n in sizes.items():
        assert abs(held.get(stratum, 0) - 0.1 * n) <= 1, stratum
    variants = drawn[drawn["arm"] != plans.HOLDOUT]["arm"].value_counts()
    assert variants.max() - variants.min() <= 1


def test_balance_table_shows_each_arms_share_per_tier():
    sizes = {"Champions": 400, "At risk": 200, plans.NO_ORDERS: 400}
    table = plans.balance(plans.assign_arms(_strata(sizes), 0.2, ["A", "B"], seed=9))
    assert list(table["stratum"]) == ["Champions", "At risk", plans.NO_ORDERS]  # RFM tier order
    assert list(table.columns) == ["stratum", "A", "B", "holdout", "users", "holdout_share"]
    for arm in ("A", "B", "holdout"):
        assert table[arm].sum() == pytest.approx(1.0)
        assert table[arm].tolist() == pytest.approx([0.4, 0.2, 0.4], abs=0.01)
    assert table["holdout_share"].tolist() == pytest.approx([0.2, 0.2, 0.2], abs=0.005)


@pytest.mark.parametrize("share", [0.0, 1.0, -0.1, 1.5])
def test_a_holdout_of_none_or_everyone_is_refused(share):
    with pytest.raises(plans.PlanError, match="strictly between 0 and 1") as caught:
        plans.check_request(support.request(holdout_share=share))
    assert "nobody to compare" in str(caught.value)


def test_other_bad_requests_name_their_option():
    with pytest.raises(plans.PlanError, match="--end 2026-09-01 is before --start"):
        plans.check_request(support.request(end=support.START.replace(month=9)))
    with pytest.raises(plans.PlanError, match="only digits"):
        plans.check_request(support.request(name="2024"))
    with pytest.raises(plans.PlanError, match="at least one approved draft"):
        plans.check_request(support.request(variants=()))


def test_users_who_declined_marketing_are_in_no_arm():
    con = support.tiny_shop()
    summary = support.make_plan(con)
    assigned = {u for users in support.arms(con).values() for u in users}
    assert summary["excluded_no_consent"] == len(support.DECLINED)
    assert not assigned & set(support.DECLINED)
    assert set(support.UNKNOWN_CONSENT) <= assigned  # unknown consent stays, as in every user export
    assert sum(summary["arms"].values()) == 200 - len(support.DECLINED)
    assert summary["arms"]["holdout"] == round(0.2 * 198)


def test_strata_are_the_rfm_tiers_as_of_the_start():
    con = support.tiny_shop()
    support.make_plan(con)
    strata = dict(con.execute("select user_id, stratum from campaign_assignments").fetchall())
    assert strata["u0004"] == plans.NO_ORDERS  # 4 % 4 = 0 orders
    assert {strata[u] for u in ("u0001", "u0002", "u0007")} <= set(plans.STRATA) - {plans.NO_ORDERS}


def test_a_plan_is_stored_with_its_variants_and_arms():
    con = support.tiny_shop()
    summary = support.make_plan(con)
    plan = con.execute(
        "select name, source_kind, source_id, source_name, seed, created_at from campaign_plans"
    ).fetchone()
    assert plan == ("Autumn test", "audience", 1, "Test audience", 11, support.PLANNED_AT)
    variants = con.execute("select variant, draft_id, text from campaign_variants order by variant").fetchall()
    assert variants == [("A", 101, "Autumn is here"), ("B", 102, "New in for autumn")]
    assert summary["campaign_id"] == 1 and summary["seed"] == 11


def test_the_same_seed_on_the_same_shop_draws_the_same_plan():
    first, second = support.tiny_shop(), support.tiny_shop()
    support.make_plan(first)
    support.make_plan(second)
    assert support.arms(first) == support.arms(second)


def test_refusals_when_storing():
    con = support.tiny_shop()
    support.make_plan(con)
    with pytest.raises(plans.PlanError, match="already a campaign"):
        support.make_plan(con)
    with pytest.raises(plans.PlanError, match="holdout arm would be empty"):
        plans.draw(support.tiny_shop(users=3), support.request(holdout_share=0.1), seed=1)
    with pytest.raises(plans.PlanError, match="no saved audience with this id"):
        plans.draw(con, support.request(source=plans.Source("audience", 9)), seed=1)
    with pytest.raises(plans.PlanError, match="no segmentation run yet"):
        plans.draw(con, support.request(source=plans.Source("segment", 0)), seed=1)
    viewer = Actor("vic", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        plans.create_plan(con, viewer, support.request(name="Other"), created_at=support.PLANNED_AT)


def _draft(settings, channel="email_subject", approve=True) -> int:
    checks = {"length": {"passed": True, "detail": "ok"}}
    new = drafts.NewDraft(1, 0, "Segment", channel, {}, "model", 0, "Hello autumn", checks)
    draft_id = drafts.save(settings, Actor("mia", Role.MARKETER), new)
    if approve:
        drafts.approve(settings, Actor("mia", Role.MARKETER), draft_id)
    return draft_id


def test_variants_come_from_approved_drafts_of_the_channel(settings):
    first, second = _draft(settings), _draft(settings)
    variants = plans.variants_from_drafts(settings, [second, first], "email_subject")
    assert [(v.label, v.draft_id, v.text) for v in variants] == [
        ("A", second, "Hello autumn"),
        ("B", first, "Hello autumn"),
    ]
    with pytest.raises(plans.PlanError, match="not approved yet"):
        plans.variants_from_drafts(settings, [_draft(settings, approve=False)], "email_subject")
    with pytest.raises(plans.PlanError, match="is push copy, not email_subject"):
        plans.variants_from_drafts(settings, [_draft(settings, channel="push")], "email_subject")
    with pytest.raises(plans.PlanError, match="lists a draft twice"):
        plans.variants_from_drafts(settings, [first, first], "email_subject")
    with pytest.raises(plans.PlanError, match="there is no draft 999"):
        plans.variants_from_drafts(settings, [999], "email_subject")


def test_a_variants_send_list_goes_through_the_safe_export_and_never_the_holdout():
    con = support.tiny_shop()
    support.make_plan(con)
    first, second, third = support.arms(con)["A"][:3]
    con.execute("update users set marketing_consent = false where user_id in ($a, $b)", {"a": first, "b": second})
    # An id a spreadsheet would run as a formula (the user is unknown, so their consent is too)
    con.execute("update campaign_assignments set user_id = '=HYPERLINK(1)' where user_id = $u", {"u": third})
    listed = plans.send_list(con, Actor("mia", Role.MARKETER), 1, "A", min_group_size=20)
    assert len(listed) == len(support.arms(con)["A"]) - 2  # consent declined since planning: left out
    assert set(listed["variant"]) == {"A"}
    assert "'=HYPERLINK(1)" in set(listed["user_id"])
    with pytest.raises(ExportRefused, match="holdout is never exported"):
        plans.send_list(con, Actor("mia", Role.MARKETER), 1, plans.HOLDOUT, min_group_size=20)
    with pytest.raises(ExportRefused, match="exports need at least 500"):
        plans.send_list(con, Actor("mia", Role.MARKETER), 1, "A", min_group_size=500)
    with pytest.raises(plans.PlanError, match="no variant 'C'"):
        plans.send_list(con, Actor("mia", Role.MARKETER), 1, "C", min_group_size=20)
    with pytest.raises(PermissionDenied):
        plans.send_list(con, Actor("vic", Role.VIEWER), 1, "A", min_group_size=20)
