"""The demo generator's contract: deterministic, sized by one number, summary as promised."""

from __future__ import annotations

import dataclasses

import pytest

from analytics.demo import DemoParams
from analytics.demo.params import plan_for
from tests.unit.demo_support import build_memory, table_digests

SUMMARY_KEYS = {"events", "users", "products", "reviews", "searches", "sessions", "seconds"}


def test_same_events_and_seed_give_identical_tables():
    first, _ = build_memory(30_000, seed=3)
    second, _ = build_memory(30_000, seed=3)
    assert table_digests(first) == table_digests(second)


def test_another_seed_gives_other_tables():
    first, _ = build_memory(30_000, seed=3)
    other, _ = build_memory(30_000, seed=4)
    a, b = table_digests(first), table_digests(other)
    assert all(a[table] != b[table] for table in ("events", "users", "reviews", "searches"))


def test_chunking_keeps_tables_deterministic():
    params = DemoParams(users_per_chunk=200)
    first, s1 = build_memory(40_000, seed=5, params=params)
    second, _ = build_memory(40_000, seed=5, params=params)
    assert s1["chunks"] > 2
    assert table_digests(first) == table_digests(second)


@pytest.mark.parametrize("events", [10_000, 33_333, 120_000, 400_000])
def test_total_events_within_five_percent(events):
    con, summary = build_memory(events, seed=11)
    written = con.execute("select count(*) from events").fetchone()[0]
    assert written == summary["events"]
    assert abs(written - events) <= 0.05 * events
    assert SUMMARY_KEYS <= summary.keys()
    assert summary["users"] == con.execute("select count(*) from users").fetchone()[0]
    assert summary["sessions"] == con.execute("select count(distinct session_id) from events").fetchone()[0]


def test_small_chunks_still_hit_the_target():
    # Many small chunks vary most; a short chunk is drawn again with more users.
    _, summary = build_memory(12_000, seed=2, params=DemoParams(users_per_chunk=20))
    assert summary["chunks"] >= 10
    assert abs(summary["events"] - 12_000) <= 0.05 * 12_000


def test_users_and_products_scale_with_events():
    small, large = plan_for(200_000, DemoParams()), plan_for(10_000_000, DemoParams())
    assert 1_800 <= small.products <= 2_200 and 18_000 <= large.products <= 22_000
    assert large.users == pytest.approx(50 * small.users, rel=0.01)


def test_events_per_user_planning_figure_matches_the_generator():
    # users = events / events_per_user; if the types change, this figure must follow.
    params = DemoParams()
    _, summary = build_memory(200_000, seed=7, params=params)
    assert summary["events"] / summary["users"] == pytest.approx(params.events_per_user, rel=0.15)


def test_median_user_has_enough_events_to_show_their_type():
    con, _ = build_memory(20_000, seed=7)
    median = con.execute(
        "select median(n) from (select count(*) as n from events group by user_id)"
    ).fetchone()[0]
    assert median >= 10


def test_parameters_change_the_fingerprint():
    base = DemoParams()
    assert base.fingerprint() == DemoParams().fingerprint()
    assert base.fingerprint() != dataclasses.replace(base, promo_discount=0.3).fingerprint()
