"""Funnels on the real REES46 sample (numbers from the issue) and on tiny hand-made shops."""

from datetime import date

import pytest

from analytics import cli
from analytics.conversion import funnels
from analytics.conversion.funnels import FunnelOptions
from analytics.core import jobs, marts
from analytics.core.filters import Filters
from analytics.trust.access import Actor, PermissionDenied, Role
from tests.unit import statements

OCT_1 = Filters(date(2019, 10, 1), date(2019, 10, 1))


def _steps(table, column):
    return table.set_index("step")[column].tolist()


def test_rees46_step_volumes_by_users(rees46_con):
    table = funnels.funnel(rees46_con, OCT_1, FunnelOptions(any_order=True, cart_optional=True))
    assert _steps(table, "users") == [3117, 83, 145]


def test_rees46_step_volumes_by_sessions(rees46_con):
    table = funnels.funnel(rees46_con, OCT_1, FunnelOptions(any_order=True, cart_optional=True))
    assert _steps(table, "sessions") == [3508, 87, 150]


def test_rees46_in_session_same_product_pairs(rees46_con):
    table = funnels.funnel(rees46_con, OCT_1)
    assert _steps(table, "products") == [8484, 94, 52]


def test_rees46_cart_optional_pairs(rees46_con):
    table = funnels.funnel(rees46_con, OCT_1, FunnelOptions(cart_optional=True))
    assert _steps(table, "products")[2] == 153


def test_rees46_strict_funnel_users_and_drop_off(rees46_con):
    table = funnels.funnel(rees46_con, OCT_1)
    assert _steps(table, "users") == [3117, 83, 46]
    assert _steps(table, "users_drop_off")[1:] == [3034, 37]


def test_category_breakdown_counts_users_per_category(rees46_con):
    table = funnels.funnel_breakdown(rees46_con, OCT_1, FunnelOptions(), ("category",))
    assert table["users_view"].sum() >= 3117  # a user who viewed two categories counts in both
    electronics = table.set_index("category").loc["electronics"]
    assert electronics[["users_view", "users_cart", "users_purchase"]].tolist() == [1391, 69, 41]


def test_brand_filter_changes_the_funnel(rees46_con):
    samsung = Filters(date(2019, 10, 1), date(2019, 10, 1), brands=("samsung",))
    table = funnels.funnel(rees46_con, samsung)
    # Checked independently with a query on the raw CSV (brand = 'samsung', same joins by hand).
    assert _steps(table, "users") == [536, 29, 18]


def test_unknown_breakdown_is_refused(rees46_con):
    with pytest.raises(ValueError, match="needs one or more of: category, brand"):
        funnels.funnel_breakdown(rees46_con, OCT_1, FunnelOptions(), ("colour",))


def test_whole_catalog_and_product_marts_agree(rees46_con):
    # No product filter reads mart_session_totals; naming every brand forces mart_session_steps.
    brands = tuple(r[0] for r in rees46_con.execute("select distinct brand from mart_products").fetchall())
    every_brand = Filters(date(2019, 10, 1), date(2019, 10, 1), brands=brands)
    for options in (FunnelOptions(), FunnelOptions(across_sessions=True, cart_optional=True)):
        whole = funnels.funnel(rees46_con, OCT_1, options)
        product_level = funnels.funnel(rees46_con, every_brand, options)
        assert whole[["users", "sessions", "products"]].equals(product_level[["users", "sessions", "products"]])


def test_abandoned_carts_audience_is_carts_minus_purchases(rees46_con):
    users = funnels.audience(rees46_con, OCT_1, FunnelOptions(), "cart", "purchase")
    assert len(users) == 83 - 46
    assert list(users.columns) == ["user_id", "marketing_consent", "country"]


def test_excluded_step_must_come_later():
    with pytest.raises(ValueError, match="it is the last step"):
        funnels.check_steps("purchase", "cart")


def test_any_order_is_refused_across_sessions():
    with pytest.raises(ValueError, match="any_order applies within a session"):
        FunnelOptions(across_sessions=True, any_order=True)


# Tiny hand-made shop: one user, one product; view on day 1, cart on day 3, purchase on day 12.
def _shop(con):
    rows = [
        ("2026-03-01 10:00", "view", "s1"),
        ("2026-03-03 10:00", "cart", "s2"),
        ("2026-03-12 10:00", "purchase", "s3"),
        ("2026-03-01 09:00", "purchase", "s0"),
        ("2026-03-01 09:05", "view", "s0"),
    ]
    for at, kind, session in rows:
        con.execute(
            "insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, "
            "currency, order_id) values ($at, $kind, 'u1', $session, 'p1', 1, 10.0, 'USD', "
            "case when $kind = 'purchase' then 'o-' || $session end)",
            {"at": at, "kind": kind, "session": session},
        )
    con.execute("insert into products values ('p1', 'Lamp', 'home.lighting', 'lumo', 10.0)")
    marts.refresh(con)
    return Filters(date(2026, 3, 1), date(2026, 3, 31))


def test_across_sessions_purchase_outside_the_window_does_not_count(con):
    march = _shop(con)
    table = funnels.funnel(con, march, FunnelOptions(across_sessions=True, window_days=7))
    assert _steps(table, "users") == [1, 1, 0]


def test_across_sessions_wider_window_converts(con):
    march = _shop(con)
    table = funnels.funnel(con, march, FunnelOptions(across_sessions=True, window_days=10))
    assert _steps(table, "users") == [1, 1, 1]


def test_in_session_purchase_before_view_counts_only_in_any_order(con):
    march = _shop(con)
    strict = funnels.funnel(con, march, FunnelOptions(cart_optional=True))
    loose = funnels.funnel(con, march, FunnelOptions(cart_optional=True, any_order=True))
    assert _steps(strict, "sessions") == [2, 0, 0]
    assert _steps(loose, "sessions") == [2, 0, 1]


def test_repeat_purchases_are_counted_on_request(con):
    march = _shop(con)
    table = funnels.funnel(con, march, FunnelOptions(any_order=True, cart_optional=True, count_repeat_purchases=True))
    assert table.set_index("step").loc["purchase", "purchases"] == 1


def test_segment_breakdown_uses_the_latest_complete_run(rees46_con):
    con = rees46_con.cursor()
    con.begin()
    try:
        con.execute(
            "insert into segment_runs (run_id, created_at, status) values (1, now(), 'complete'), (2, now(), 'running')"
        )
        con.execute(
            "insert into user_segments select 1, user_id, case when user_id < '55' then 0 else 1 end from mart_users"
        )
        con.execute("insert into user_segments select 2, user_id, 9 from mart_users")
        con.execute(
            "insert into segment_profiles values (1, 0, 'early ids', 0, null, null), (1, 1, 'late ids', 0, null, null)"
        )
        table = funnels.funnel_breakdown(con, OCT_1, FunnelOptions(), ("segment",))
        assert funnels.segments_available(con)
    finally:
        con.rollback()
    assert sorted(table["segment"]) == ["0: early ids", "1: late ids"]
    assert table["users_view"].sum() == 3117


def test_save_audience_needs_a_marketer(con):
    march = _shop(con)
    with pytest.raises(PermissionDenied):
        funnels.save_audience(con, Actor("ann", Role.VIEWER), "carts", march, FunnelOptions(), "cart")


def test_save_audience_stores_its_users(con):
    march = _shop(con)
    saved = funnels.save_audience(con, Actor("mo", Role.MARKETER), "viewers", march, FunnelOptions(), "view")
    assert saved == {"audience_id": 1, "count_users": 1}
    assert con.execute("select user_id from audience_users where audience_id = 1").fetchall() == [("u1",)]


def test_every_statement_file_runs_when_audiences_are_saved(con, monkeypatch):
    used = statements.record(monkeypatch)
    march = _shop(con)
    marketer = Actor("mo", Role.MARKETER)
    funnels.save_audience(con, marketer, "viewers", march, FunnelOptions(), "view")
    second = funnels.save_audience(con, marketer, "not buying", march, FunnelOptions(), "view", "purchase")
    assert second == {"audience_id": 2, "count_users": 1}
    rows = con.execute("select audience_id, name, created_by, count_users from audiences order by 1").fetchall()
    assert rows == [(1, "viewers", "mo", 1), (2, "not buying", "mo", 1)]
    not_run = statements.job_statements("conversion") - used
    assert not not_run, f"not run when saving audiences: {sorted(not_run)}"


def test_an_audience_name_is_bounded_and_not_blank(con):
    march, marketer = _shop(con), Actor("mo", Role.MARKETER)
    for name in ("x" * 100_000, " " * 3):
        with pytest.raises(ValueError, match=r"an audience name of 1 to 200 characters"):
            funnels.save_audience(con, marketer, name, march, FunnelOptions(), "view")
    assert con.execute("select count(*) from audiences").fetchone()[0] == 0


def test_an_empty_audience_is_refused_and_nothing_is_stored(con):
    april = Filters(date(2026, 4, 1), date(2026, 4, 30))
    _shop(con)
    with pytest.raises(funnels.EmptyAudience, match=r"no users reached cart between 2026-04-01 and 2026-04-30"):
        funnels.save_audience(con, Actor("mo", Role.MARKETER), "carts", april, FunnelOptions(), "cart", "purchase")
    assert con.execute("select count(*) from audiences").fetchone()[0] == 0


SAVE = ["save-audience", "--step", "cart", "--not-step", "purchase", "--start", "2026-04-01", "--end", "2026-04-30"]


def test_the_command_line_refuses_a_huge_name_before_starting_a_job(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert cli.main(["--db", str(settings.db_path), *SAVE, "--name", "x" * 100_000]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --name: expected an audience name of 1 to 200 characters, found 100,000")
    assert len(err) < 300 and [j["kind"] for j in jobs.list_jobs(settings)] == ["noop"]


def test_the_command_line_refuses_an_empty_audience_with_a_clear_message(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert cli.main(["--db", str(settings.db_path), *SAVE, "--name", "April carts"]) == 2
    assert capsys.readouterr().err == (
        "error: no users reached cart between 2026-04-01 and 2026-04-30 (without purchase) with these filters; "
        "an empty audience is not saved\n"
    )
    assert jobs.list_jobs(settings, 1)[0]["status"] == "failed"
