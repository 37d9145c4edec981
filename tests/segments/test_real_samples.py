"""The whole segmentation job on the real REES46, Olist and UCI samples; every trait and the
headline figures of every profile checked against direct SQL on the raw events."""

import json

import numpy as np
import pytest

from analytics.core import jobs, warehouse
from analytics.segments.job import SegmentParams, segment_job
from models.settings import Settings
from tests.segments import samples

pytestmark = pytest.mark.slow

# One independent per-user SQL expression per feature a trait can name (over events of known users).
PER_USER = {
    "count_events": "count(*)",
    "count_sessions": "count(distinct session_id)",
    "count_views": "count(*) filter (where event_type = 'view')",
    "count_carts": "count(*) filter (where event_type = 'cart')",
    "count_refunds": "count(*) filter (where event_type = 'refund')",
    "count_orders": "count(distinct coalesce(order_id, session_id)) filter (where event_type = 'purchase')",
    "revenue": "coalesce(sum(case event_type when 'purchase' then quantity * price "
    "when 'refund' then -abs(quantity * price) end), 0)",
    "days_since_last_event": "date_diff('second', max(event_time), (select max(event_time) from known)) / 86400",
    "days_since_first_event": "date_diff('second', min(event_time), (select max(event_time) from known)) / 86400",
    "days_since_last_purchase": "date_diff('second', max(event_time) filter (where event_type = 'purchase'), "
    "(select max(event_time) from known)) / 86400",
    "views_per_session": "count(*) filter (where event_type = 'view') / count(distinct session_id)",
    "cart_rate": "count(*) filter (where event_type = 'cart') / nullif(count(*) filter (where event_type = 'view'), 0)",
    "purchase_rate": "count(*) filter (where event_type = 'purchase') "
    "/ nullif(count(*) filter (where event_type = 'view'), 0)",
    "refund_share": "count(*) filter (where event_type = 'refund') "
    "/ nullif(count(*) filter (where event_type = 'purchase'), 0)",
    "purchase_session_rate": "count(distinct session_id) filter (where event_type = 'purchase') "
    "/ count(distinct session_id)",
}
PER_USER["avg_order_value"] = f"({PER_USER['revenue']}) / nullif({PER_USER['count_orders']}, 0)"
PRICED = {
    # product price: list price, else the median price seen; level = geometric mean against the category median
    "price_level": "with priced as (select e.user_id, e.event_type, p.product_id, coalesce(p.category, '') as cat, "
    "coalesce(p.price, median(e.price) over (partition by e.product_id)) as ref from known e "
    "join products p using (product_id) where coalesce(p.price, e.price) > 0), "
    "medians as (select cat, median(ref) as m from (select distinct product_id, cat, ref from priced) group by cat) "
    "select user_id, exp(avg(ln(ref / m))) as v from priced join medians using (cat) "
    "where event_type in ('view', 'cart', 'purchase') group by user_id",
    "discount_share": "select e.user_id, count(*) filter (where e.price < 0.95 * p.price) / count(*) as v "
    "from known e join products p using (product_id) "
    "where e.event_type = 'purchase' and p.price > 0 and e.price > 0 group by e.user_id",
}
REVIEWS = {
    "count_reviews": "count(r.review_id)",
    "avg_rating": "avg(r.rating)",
    "review_share": "count(r.review_id) / nullif(any_value(p.purchases), 0)",
}


def _build(tmp_path_factory, loader):
    settings = Settings(db_path=tmp_path_factory.mktemp(loader.__name__) / "warehouse.duckdb")
    # kind "import": the job runner refreshes the marts (RFM tiers, CLV) after it, as after a real import
    loaded = jobs.run_job(settings, "import", lambda ctx: loader(ctx))
    assert loaded.status == "done", loaded.error
    result = jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(seed=0)))
    assert result.status == "done", result.error
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    return con, result.summary


@pytest.fixture(scope="module", params=["rees46", "olist", "online_retail"])
def sample(request, tmp_path_factory):
    con, summary = _build(tmp_path_factory, getattr(samples, f"load_{request.param}"))
    yield request.param, con, summary
    con.close()


def _direct(con, feature: str, segment: int) -> tuple[float, float]:
    """(segment mean, rest mean) of a feature computed straight from the canonical tables."""
    if feature in PER_USER:
        per_user = f"select user_id, {PER_USER[feature]} as v from known group by user_id"
    elif feature in PRICED:
        per_user = PRICED[feature]
    elif feature in REVIEWS:
        per_user = (
            "select k.user_id, " + REVIEWS[feature] + " as v from (select distinct user_id from known) k "
            "left join reviews r using (user_id) left join (select user_id, count(*) filter "
            "(where event_type = 'purchase') as purchases from known group by user_id) p using (user_id) "
            "group by k.user_id"
        )
    elif feature.split(":")[0] in ("category", "brand"):
        dimension, value = feature.split(":", 1)
        column = "split_part(p.category, '.', 1)" if dimension == "category" else "p.brand"
        per_user = (
            f"select k.user_id, coalesce(count(*) filter (where {column} = $value) "
            f"/ nullif(count({column}) filter (where {column} <> ''), 0), 0) as v "
            "from known k left join products p using (product_id) group by k.user_id"
        )
        return _means(con, per_user, segment, {"value": value})
    else:
        raise AssertionError(f"no direct SQL for trait feature {feature}")
    return _means(con, per_user, segment, {})


def _means(con, per_user: str, segment: int, params: dict) -> tuple[float, float]:
    sql = (
        "with known as (select * from events where user_id is not null), "
        f"per_user as ({per_user}), "
        "latest as (select max(run_id) as run_id from segment_runs where status = 'complete') "
        "select avg(v) filter (where s.segment_id = $segment), avg(v) filter (where s.segment_id <> $segment) "
        "from per_user join user_segments s using (user_id) join latest using (run_id)"
    )
    return con.execute(sql, {"segment": segment, **params}).fetchone()


def test_every_user_with_an_event_is_in_one_segment(sample):
    _, con, summary = sample
    users = con.execute("select count(distinct user_id) from events where user_id is not null").fetchone()[0]
    segmented = con.execute(
        "select count(*), count(distinct user_id) from user_segments where run_id = $run", {"run": summary["run_id"]}
    ).fetchone()
    assert segmented == (users, users) and summary["users"] == users


def test_traits_match_direct_sql(sample):
    name, con, summary = sample
    checked = 0
    for segment, traits in con.execute(
        "select segment_id, traits from segment_profiles where run_id = $run", {"run": summary["run_id"]}
    ).fetchall():
        for trait in json.loads(traits):
            seg, rest = _direct(con, trait["feature"], segment)
            assert trait["segment_value"] == pytest.approx(seg, rel=1e-6, abs=1e-9), (name, trait["feature"])
            assert trait["rest_value"] == pytest.approx(rest, rel=1e-6, abs=1e-9), (name, trait["feature"])
            checked += 1
    assert checked >= summary["k"]  # every segment says at least one thing on average


def test_sizes_revenue_shares_and_conversion_match_direct_sql(sample):
    _, con, summary = sample
    rows = con.execute(
        "select segment_id, count_users, figures from segment_profiles join segment_figures using (run_id, segment_id) "
        "where run_id = $run",
        {"run": summary["run_id"]},
    ).fetchall()
    direct = {
        s: (n, revenue, buyers)
        for s, n, revenue, buyers in con.execute(
            "with per_user as (select user_id, " + PER_USER["revenue"] + " as revenue, "
            "count(*) filter (where event_type = 'purchase') > 0 as bought from events where user_id is not null "
            "group by user_id) select segment_id, count(*), sum(revenue), avg(bought::int) "
            "from per_user join user_segments using (user_id) where run_id = $run group by segment_id",
            {"run": summary["run_id"]},
        ).fetchall()
    }
    total = sum(r for _, r, _ in direct.values())
    for segment, count_users, profile in rows:
        figures = json.loads(profile)
        n, revenue, buyers = direct[segment]
        assert count_users == n
        assert figures["share_revenue"] == pytest.approx(revenue / total, abs=1e-9)
        assert figures["conversion_rate"] == pytest.approx(buyers, abs=1e-9)


def test_the_run_records_its_evidence_and_text_decision(sample):
    _, con, summary = sample
    metrics = json.loads(
        con.execute("select metrics from segment_runs where run_id = $run", {"run": summary["run_id"]}).fetchone()[0]
    )
    assert [c["k"] for c in metrics["candidates"]] == list(range(2, 11))
    assert summary["k"] in range(2, 11) and metrics["chosen_by"] == "auto"
    decision = metrics["text_decision"]
    assert decision["available"] and set(decision) >= {"text_redundancy_r2", "held_out_explained_with_text", "kept"}
    assert np.isfinite(decision["text_redundancy_r2"])
