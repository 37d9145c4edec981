"""The demo shop's past campaigns: planted only where they can be measured, deterministic across a
crash, sends and truth as documented (docs/DEMO_DATA.md, "Past campaigns")."""

from __future__ import annotations

import pytest

from analytics.core import warehouse
from analytics.demo import DemoParams, build_demo
from tests.conftest import ROOT
from tests.unit.demo_support import CrashInBatch, FakeContext, build_memory, table_digests

CAMPAIGN_TABLES = (
    "campaign_plans",
    "campaign_variants",
    "campaign_assignments",
    "campaign_sends",
    "demo_campaign_effects",
)
CHUNKED = DemoParams(users_per_chunk=1_200)  # 150k events: 3 chunks, the campaigns in the third


def _digests(con) -> dict:
    found = table_digests(con)
    for table in CAMPAIGN_TABLES:
        found[table] = con.execute(f"select count(*), sum(hash(t)) from {table} t").fetchone()
    return found


def test_a_small_shop_gets_no_campaigns_it_could_not_measure():
    con, summary = build_memory(20_000, seed=7)
    assert summary["campaigns"] == 0
    assert con.execute("select count(*) from campaign_plans").fetchone() == (0,)


def test_a_crash_in_the_campaigns_batch_resumes_to_the_same_shop():
    whole, summary = build_memory(150_000, seed=5, params=CHUNKED)
    assert summary["chunks"] == 3 and summary["campaigns"] == 2
    con = warehouse.connect_memory()
    crashing = FakeContext(con, crash_in_batch=3)
    with pytest.raises(CrashInBatch):
        build_demo(crashing, events=150_000, seed=5, replace=False, params=CHUNKED)
    assert con.execute("select count(*) from campaign_plans").fetchone() == (0,)  # rolled back with the chunk
    resumed = build_demo(FakeContext(con, resume_state=crashing.checkpoints[-1]), events=150_000, seed=5,
                         replace=False, params=CHUNKED)  # fmt: skip
    assert resumed["resumed_chunks"] == 2 and resumed["events"] == summary["events"]
    assert _digests(con) == _digests(whole)


@pytest.fixture(scope="module")
def shop():
    con, summary = build_memory(150_000, seed=7)
    yield con, summary
    con.close()


def test_sends_follow_the_plan(shop):
    con, _ = shop
    wrong = con.execute(
        """
        select count(*) filter (where a.arm = 'holdout' or s.variant <> a.arm or s.sent_at < p.created_at
                                or cast(s.sent_at as date) <> p.start_day)
        from campaign_sends s
        join campaign_assignments a using (campaign_id, user_id)
        join campaign_plans p using (campaign_id)
        """
    ).fetchone()[0]
    assert wrong == 0
    unsent = con.execute(
        "select count(*) from campaign_assignments a anti join campaign_sends s using (campaign_id, user_id)"
        " where a.arm <> 'holdout'"
    ).fetchone()[0]
    assert unsent == 0


def test_the_truth_is_stored_for_every_metric_and_zero_without_an_effect(shop):
    con, _ = shop
    truth = {(c, m): v for c, m, v in con.execute("select * from demo_campaign_effects").fetchall()}
    metrics = {"conversion", "orders_per_user", "revenue_per_user_USD", "revenue_per_user_EUR"}
    assert {m for _, m in truth} == metrics
    assert all(truth[(2, m)] == 0.0 for m in metrics)
    assert 0 < truth[(1, "conversion")] < truth[(1, "orders_per_user")] <= 0.2


def test_campaigns_only_add_visits_of_sent_users_to_the_base_shop(shop):
    con, _ = shop
    base, base_summary = build_memory(150_000, seed=7, params=DemoParams(campaigns=()))
    last_base_session = f"s{base_summary['sessions']:09d}"
    kept = "select count(*), sum(hash(e)) from events e where session_id is null or session_id <= $last"
    assert (
        con.execute(kept, {"last": last_base_session}).fetchone()
        == base.execute("select count(*), sum(hash(e)) from events e").fetchone()
    )
    for table in ("users", "products", "reviews", "searches"):
        query = f"select count(*), sum(hash(t)) from {table} t"
        assert con.execute(query).fetchone() == base.execute(query).fetchone(), table
    planted = con.execute(
        """
        with planted as (select * from events where session_id > $last),
            sessions as (
                select session_id, any_value(user_id) as user_id, min(event_time) as first_at,
                    list(event_type order by event_time) as steps, count(distinct product_id) as products,
                    bool_and(traffic_source = 'email') as from_email
                from planted
                group by session_id
            )
        select count(*),
            count(*) filter (where steps = ['view', 'purchase'] and products = 1 and from_email
                             and first_at > s.sent_at and first_at < p.end_day + 1)
        from sessions
        join campaign_sends s using (user_id)
        join campaign_plans p using (campaign_id)
        """,
        {"last": last_base_session},
    ).fetchone()
    assert planted[0] > 0 and planted[0] == planted[1]


def test_the_truth_never_reaches_a_page():
    for path in (ROOT / "dashboard").rglob("*.py"):
        assert "demo_campaign_effects" not in path.read_text(encoding="utf-8"), path
