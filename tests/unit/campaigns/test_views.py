"""What the Campaigns view reads: plan status, the listing, a previewed draw, and the job's command line."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.campaigns import plans, views
from analytics.cli import build_parser
from analytics.commands import plan as plan_command
from analytics.trust.access import Actor, Role
from tests.unit.campaigns import support

START, END = date(2026, 10, 1), date(2026, 10, 14)


@pytest.mark.parametrize(
    ("sends", "data_through", "today", "expected"),
    [
        (0, date(2026, 9, 20), date(2026, 9, 25), views.PLANNED),
        (300, date(2026, 9, 20), date(2026, 9, 30), views.SENDING),
        (300, date(2026, 10, 3), date(2026, 10, 3), views.WINDOW_OPEN),
        (0, date(2026, 10, 3), date(2026, 10, 3), views.WINDOW_OPEN),  # no send log: still measured as drawn
        (300, date(2026, 10, 10), date(2026, 10, 20), views.WINDOW_OPEN),  # ended on the clock, not in the data
        (300, date(2026, 10, 31), date(2026, 10, 14), views.WINDOW_OPEN),  # last day still running
        (300, date(2026, 10, 31), date(2026, 10, 15), views.RESULTS_READY),
        (0, date(2026, 10, 31), date(2026, 12, 1), views.RESULTS_READY),
        (0, None, date(2026, 12, 1), views.WINDOW_OPEN),  # no events at all
    ],
)
def test_status_follows_the_clock_the_data_and_the_sends(sends, data_through, today, expected):
    assert views.status(START, END, sends, data_through, today) == expected


def test_listing_gives_each_demo_campaign_its_status(shop_con):
    late = views.plan_listing(shop_con, date(2026, 12, 7)).set_index("name")
    demo = ["Bargain hunters: October deals", "Fashion lovers: new season"]
    assert late.loc[demo, "status"].tolist() == [views.RESULTS_READY] * 2
    early = views.plan_listing(shop_con, date(2026, 10, 10)).set_index("name")
    assert early.loc[demo, "status"].tolist() == [views.WINDOW_OPEN] * 2
    assert (late.loc[demo, "data_through"] == date(2026, 10, 31)).all()


def test_preview_is_the_plan_the_job_stores():
    con = support.tiny_shop()
    request = support.request()
    preview = views.preview(con, request)
    stored = plans.create_plan(con, Actor("mia", Role.MARKETER), request, created_at=support.PLANNED_AT)
    assert preview["arms"] == stored["arms"] and preview["excluded_no_consent"] == stored["excluded_no_consent"]
    assert preview["balance"].to_dict(orient="records") == stored["balance"]
    assert views.stored_balance(con, stored["campaign_id"]).equals(preview["balance"])
    assert views.stored_balance(con, 999).empty
    with pytest.raises(plans.PlanError, match="'Autumn test' is already a campaign"):
        views.preview(con, request)
    with pytest.raises(plans.PlanError, match="strictly between 0 and 1"):
        views.preview(con, support.request(name="Other", holdout_share=1.0))
    with pytest.raises(ValueError, match="needs the seed"):
        views.preview(con, support.request(name="Other", seed=None))


def test_saved_audiences_are_listed_for_planning():
    audiences = views.saved_audiences(support.tiny_shop(users=30))
    assert audiences[["audience_id", "name", "count_users"]].to_dict(orient="records") == [
        {"audience_id": 1, "name": "Test audience", "count_users": 30}
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (plans.Source("segment", 3, 7), ["--segment", "3", "--run", "7"]),
        (plans.Source("audience", 1), ["--audience", "1"]),
    ],
)
def test_argv_for_gives_the_plan_command_the_request(source, target):
    request = support.request(source=source, holdout_share=0.15, seed=123)
    argv = plan_command.argv_for(request)
    assert argv[0] == "plan" and argv[1 : 1 + len(target)] == target
    parser, _ = build_parser()
    args = parser.parse_args(argv)
    assert (args.name, args.channel, args.variants) == ("Autumn test", "email_subject", "101,102")
    assert (args.holdout, args.seed, args.start, args.end) == (0.15, 123, "2026-10-01", "2026-10-14")
    with pytest.raises(ValueError, match="needs the request's seed"):
        plan_command.argv_for(support.request(seed=None))


def test_send_list_names_an_unknown_campaign_or_variant():
    con = support.tiny_shop()
    marketer = Actor("mia", Role.MARKETER)
    stored = plans.create_plan(con, marketer, support.request(), created_at=support.PLANNED_AT)
    with pytest.raises(plans.PlanError, match=r"there is no campaign 9 \(`python -m analytics campaigns` lists them\)"):
        plans.send_list(con, marketer, 9, "A", min_group_size=5)
    with pytest.raises(plans.PlanError, match=r"has no variant 'C' \(variants: A, B\)"):
        plans.send_list(con, marketer, stored["campaign_id"], "C", min_group_size=5)
