"""Recommendations: lift per segment, SAR-style per user, the offline evaluation and the command.

Hand-made shops where the right answer is worked out in the comments, the demo shop for the
claim against popularity, and the real REES46 and UCI samples through the importer.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest

from analytics.campaigns import recommend
from analytics.cli import main
from analytics.core import jobs
from analytics.ingest import import_file
from tests.conftest import shared_sample
from tests.segments.shops import T0, add_events, add_products, insert_rows
from tests.unit.conversion.samples import REES46, load_rees46

SPLIT = T0 + timedelta(minutes=100)


def segment_shop(con) -> None:
    """Run 1: segment 0 = a1..a4, segment 1 = b1..b6 (10 users).

    P: bought by a1, a2, a3 (a1 also carted it: still one user) and b1 -> segment rate 3/4,
    overall 4/10, lift 1.875. Q: carted by a1 and b1..b4 -> 1/4 over 5/10, lift 0.5.
    R: only viewed, so it never counts.
    """
    add_products(
        con, [("P", "Pepper Mill", "home.kitchen", "Casa", 20.0), ("Q", "Quilt", "home.bedding", "Nord", 60.0)]
    )
    add_products(con, [("R", "Rug", "home.decor", "Nord", 90.0)])
    rows = [(1, "cart", "a1", "s-a1", "P", 20.0)]
    rows += [(2, "purchase", user, f"s-{user}", "P", 20.0) for user in ("a1", "a2", "a3", "b1")]
    rows += [(3, "cart", user, f"s-{user}", "Q", 60.0) for user in ("a1", "b1", "b2", "b3", "b4")]
    rows += [(4, "view", user, f"s-{user}", "R", 90.0) for user in ("a1", "a2", "a3", "a4")]
    add_events(con, rows)
    members = [(1, f"a{i}", 0) for i in range(1, 5)] + [(1, f"b{i}", 1) for i in range(1, 7)]
    insert_rows(con, "user_segments", members)
    con.execute(
        "insert into segment_runs (run_id, created_at, completed_at, status) values (1, $t, $t, 'complete')", {"t": T0}
    )
    con.execute(
        "insert into segment_profiles values (1, 0, 'Kitchen fans', 4, null, null), (1, 1, 'Others', 6, null, null)"
    )


def user_shop(con) -> None:
    """Before SPLIT: u1 views and buys A, views B; u2 views A and B; u3 views A, B and C; u4 buys
    E and views C and D; u5 buys E; t views and buys A.

    A and B share three users (cosine 3/sqrt(4*3) = 0.87); every other pair shares one user,
    under the two required. t bought A, so A is excluded and t gets B "often bought with Alpha
    Lamp", then the popular products it has not bought: A and E were bought by two users each,
    A is excluded, so E. A user with no history gets A then E, both 'popular'.

    After SPLIT: t buys B (new: a hit at rank 1 for SAR, a miss for popularity, which offers
    only E), w (no history) buys E (rank 2 of A, E for both models), u1 buys A again (a re-buy:
    not a target, so u1 is not a test user).
    """
    titles = {"A": "Alpha Lamp", "B": "Bravo Bulb", "C": "Charlie Cable", "D": "Delta Dimmer", "E": "Echo Switch"}
    add_products(con, [(p, title, "home.decor", "Lux", 10.0) for p, title in titles.items()])
    add_events(
        con,
        [
            (1, "view", "u1", "s1", "A", 10.0),
            (2, "purchase", "u1", "s1", "A", 10.0),
            (3, "view", "u1", "s1", "B", 10.0),
            (4, "view", "u2", "s2", "A", 10.0),
            (5, "view", "u2", "s2", "B", 10.0),
            (6, "view", "u3", "s3", "A", 10.0),
            (7, "view", "u3", "s3", "B", 10.0),
            (8, "view", "u3", "s3", "C", 10.0),
            (9, "purchase", "u4", "s4", "E", 10.0),
            (10, "view", "u4", "s4", "C", 10.0),
            (11, "view", "u4", "s4", "D", 10.0),
            (12, "purchase", "u5", "s5", "E", 10.0),
            (13, "view", "t", "s6", "A", 10.0),
            (14, "purchase", "t", "s6", "A", 10.0),
            (120, "purchase", "t", "s7", "B", 10.0),
            (121, "purchase", "w", "s8", "E", 10.0),
            (122, "purchase", "u1", "s9", "A", 10.0),
        ],
    )


def test_segment_products_lift_support_and_reason(con):
    segment_shop(con)
    top = recommend.segment_products(con, 1, 0, min_support=1)
    assert list(top.columns) == recommend.SEGMENT_COLUMNS
    assert list(top["product_id"]) == ["P", "Q"]  # by lift; R (views only) never counts
    p = top.iloc[0]
    assert (p.segment_users, p.segment_rate, p.overall_rate) == (3, 0.75, 0.4)
    assert p.lift == pytest.approx(1.875)
    assert p.title == "Pepper Mill"
    assert p.reason == "bought or carted by 1.9x more of this segment than average (3 of its 4 users)"
    assert top.iloc[1].lift == pytest.approx(0.5) and "0.5x as many" in top.iloc[1].reason


def test_segment_products_drop_groups_under_min_support(con):
    segment_shop(con)
    assert list(recommend.segment_products(con, 1, 0, min_support=2)["product_id"]) == ["P"]
    assert "P" not in set(recommend.segment_products(con, 1, 0, min_support=4)["product_id"])  # 3 users
    assert list(recommend.segment_products(con, 1, 0, min_support=1, limit=1)["product_id"]) == ["P"]


def test_without_products_of_its_own_a_segment_gets_the_recommenders_picks(con):
    segment_shop(con)
    # No product reaches 4 of a1..a4. The recommender (all history): a1 bought P and carted Q,
    # a2 and a3 bought P, all four viewed R. P and R share a1..a3, P and Q share a1 and b1; Q
    # and R share only a1 (under the two needed). a1 gets Q and R, a2 and a3 get R and Q (via
    # P), a4 gets R and P: R is in all four lists, Q in three, P in one.
    top = recommend.segment_products(con, 1, 0, min_support=4)
    assert list(top.columns) == recommend.SEGMENT_COLUMNS
    assert list(top["product_id"]) == ["R"]
    r = top.iloc[0]
    assert (r.evidence, r.segment_users, r.segment_rate, r.title) == ("recommender", 4, 1.0, "Rug")
    assert math.isnan(r.lift)
    assert r.reason == (
        "in the recommender's top 10 for 4 of this segment's 4 users (picked from what each viewed, carted and bought)"
    )
    assert list(recommend.segment_products(con, 1, 0, min_support=3)["product_id"]) == ["P"]  # its own first


def test_a_large_segment_is_scored_on_a_fixed_sample_and_the_reason_says_so(con, monkeypatch):
    segment_shop(con)
    monkeypatch.setattr(recommend, "MAX_SCORED_USERS", 3)
    where = {"run_id": 1, "segment_id": 0, "limit": 10, "min_support": 3}
    picks = recommend._recommender_picks(con, where, None)
    assert picks.equals(recommend._recommender_picks(con, where, None))  # the same sample every time
    # The sample holds a4 (else Q, in the lists of a1..a3, would count 3 too): R is in all three.
    assert list(picks["product_id"]) == ["R"] and picks.iloc[0].segment_rate == 1.0
    assert picks.iloc[0].reason.startswith("in the recommender's top 10 for 3 of 3 sampled of this segment's 4 users")


def category_shop(con) -> None:
    """Run 1: segment 0 = a1..a6 buy kitchen products, no product by three of them: a1, a2 buy
    K1, a3, a4 buy K2, a5 K3, a6 K4 (brand Chef for K1, K2; Cook for K3, K4). Segment 1 = b1..b14
    all buy the garden product G1.

    Kitchen: 6 of 6 users against 0 of the other 14 (rate overall 6/20: lift 3.33, z 4.47).
    Brand Chef: 4 of 6 (lift 3.33, z 3.42); Cook: 2 users. The recommender finds nothing to
    suggest: nobody holds two products, and a product's only candidate is itself, bought.
    """
    kitchen = [("K1", "Chef"), ("K2", "Chef"), ("K3", "Cook"), ("K4", "Cook")]
    add_products(con, [(p, f"Pan {p}", "home.kitchen", brand, 30.0) for p, brand in kitchen])
    add_products(con, [("G1", "Garden hose", "garden.tools", "Green", 15.0)])
    buys = [("a1", "K1"), ("a2", "K1"), ("a3", "K2"), ("a4", "K2"), ("a5", "K3"), ("a6", "K4")]
    buys += [(f"b{i}", "G1") for i in range(1, 15)]
    add_events(con, [(i, "purchase", user, f"s-{user}", product, 30.0) for i, (user, product) in enumerate(buys)])
    members = [(1, f"a{i}", 0) for i in range(1, 7)] + [(1, f"b{i}", 1) for i in range(1, 15)]
    insert_rows(con, "user_segments", members)


def test_then_the_best_sellers_of_the_categories_and_brands_it_buys_in_more(con):
    category_shop(con)
    top = recommend.segment_products(con, 1, 0, min_support=3)
    # Each group's best seller in turn (K1 and K2 lead both the category and Chef: listed once).
    assert list(top["product_id"]) == ["K1", "K2", "K3", "K4"]
    assert set(top["evidence"]) == {"category"}  # the category leads Chef: same lift, more users
    first = top.iloc[0]
    assert (first.segment_users, first.segment_rate, first.overall_rate) == (6, 1.0, 0.3)
    assert first.lift == pytest.approx(10 / 3)
    assert first.reason == (
        "a best seller of the category home.kitchen, which this segment buys or carts in 3.3x "
        "as often as average (6 of its 6 users)"
    )
    assert list(recommend.segment_products(con, 1, 0, min_support=3, limit=1)["product_id"]) == ["K1"]


def test_a_brand_counts_on_its_own_and_no_group_under_the_minimum_shows(con):
    category_shop(con)
    con.execute("update products set category = 'home.kitchen.' || product_id where product_id like 'K%'")
    # Each kitchen product now has a category of its own (at most two users); Chef remains.
    top = recommend.segment_products(con, 1, 0, min_support=3)
    assert list(top["product_id"]) == ["K1", "K2"]
    assert set(top["evidence"]) == {"brand"} and (top["segment_users"] == 4).all()
    assert top.iloc[0].reason.startswith("a best seller of the brand Chef, which this segment buys or carts in 3.3x")
    assert recommend.segment_products(con, 1, 0, min_support=5).empty  # Chef has 4 users
    assert recommend.segment_products(con, 1, 1, min_support=3).iloc[0].evidence == "segment"  # G1 itself


def test_evaluate_segments_scores_each_kind_of_list_on_later_purchases(con):
    category_shop(con)  # its purchases at minutes 0-19
    # After the split: a1 buys K2 (new to a1; in the kitchen list and among the popular), a5
    # buys G1 (popular only), b1 buys G1 again (a re-buy: not a test purchase).
    add_events(con, [(100, "purchase", "a1", "t-a1", "K2", 30.0), (101, "purchase", "a5", "t-a5", "G1", 15.0)])
    add_events(con, [(102, "purchase", "b1", "t-b1", "G1", 15.0)])
    con.execute(
        "insert into segment_profiles values (1, 0, 'Cooks', 6, null, null), (1, 1, 'Gardeners', 14, null, null)"
    )
    result = recommend.evaluate_segments(con, 1, split_at=T0 + timedelta(minutes=50), min_support=3)
    cooks = result[result["segment_id"] == 0].set_index("list")
    assert list(cooks.index) == ["segment", "recommender", "category or brand", "featured", "popular"]
    assert (cooks["test_users"] == 2).all()
    assert cooks["products"].to_dict() == {
        "segment": 0,
        "recommender": 0,
        "category or brand": 4,  # K1..K4
        "featured": 4,
        "popular": 5,  # G1 (14 buyers), K1, K2 (2 each), K3, K4
    }
    assert cooks["hit_users"].to_dict() == {
        "segment": 0,
        "recommender": 0,
        "category or brand": 1,
        "featured": 1,
        "popular": 2,
    }
    assert cooks.loc["featured", "hit_rate"] == 0.5
    gardeners = result[result["segment_id"] == 1]
    assert (gardeners["test_users"] == 0).all() and gardeners["hit_rate"].isna().all()


def test_every_segment_of_the_segmented_demo_gets_products_with_their_evidence(segmented):
    from analytics.core import warehouse
    from analytics.segments import views as segment_views

    reader = warehouse.open_reader(warehouse.current_snapshot(segmented))
    try:
        profiles = segment_views.run_profiles(reader, 1)
        lists = {
            int(s): recommend.segment_products(reader, 1, int(s), min_support=segmented.min_group_size)
            for s in profiles.loc[profiles["count_users"] >= segmented.min_group_size, "segment_id"]
        }
    finally:
        reader.close()
    assert lists
    for segment, top in lists.items():
        assert not top.empty, segment
        assert (top["segment_users"] >= segmented.min_group_size).all()
        assert set(top["evidence"]) <= set(recommend.EVIDENCE)
        for row in top.itertuples():
            named = {"segment": "more of this segment", "recommender": "recommender's top 10"}
            assert named.get(row.evidence, f"of the {row.evidence} ") in row.reason, row.reason


def test_user_recommendations_exclude_bought_and_name_the_reason(con):
    user_shop(con)
    recs = recommend.user_recommendations(con, ["t"], k=10, as_of=SPLIT)
    assert list(recs.columns) == recommend.USER_COLUMNS
    assert list(recs["product_id"]) == ["B", "E"]  # A was bought
    assert list(recs["source"]) == ["co-occurrence", "popular"]
    assert list(recs["rank"]) == [1, 2]
    assert recs.iloc[0].reason == "often bought with Alpha Lamp"
    assert recs.iloc[0].score == pytest.approx(5 * 3 / math.sqrt(12))  # affinity 4 + 1 times cosine


def test_a_viewed_product_not_bought_is_offered_with_its_own_reason(con):
    user_shop(con)
    recs = recommend.user_recommendations(con, ["u2"], k=2, as_of=SPLIT)
    assert list(recs["product_id"]) == ["A", "B"]
    assert recs.iloc[0].reason == "viewed or carted before and not bought yet"


def test_cold_user_gets_the_popular_products(con):
    user_shop(con)
    recs = recommend.user_recommendations(con, ["nobody"], k=10, as_of=SPLIT)
    assert list(recs["product_id"]) == ["A", "E"]
    assert set(recs["source"]) == {"popular"}
    assert recs.iloc[0].reason.startswith("popular")


def test_every_known_user_is_served_when_no_list_is_given(con):
    user_shop(con)
    recs = recommend.user_recommendations(con, k=3)
    assert set(recs["user_id"]) == {"u1", "u2", "u3", "u4", "u5", "t", "w"}
    assert recs.groupby("user_id")["rank"].max().max() <= 3


def test_evaluate_on_a_tiny_time_split(con):
    user_shop(con)
    result = recommend.evaluate(con, split_at=SPLIT, k=10)
    assert result["users"] == 2  # t and w; u1 only re-bought A
    sar, popular = result["sar"], result["popular"]
    # t: B at rank 1 (gain 1); w: E at rank 2 (gain 1/log2(3)); one target each.
    assert sar["hr_at_k"] == 1.0
    assert sar["ndcg_at_k"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert sar["fallback_share"] == 0.5
    assert sar["coverage"] == pytest.approx(3 / 5)  # B, E, A of five products
    assert popular["hr_at_k"] == 0.5
    assert popular["ndcg_at_k"] == pytest.approx(1 / math.log2(3) / 2)
    assert (popular["fallback_share"], popular["coverage"]) == (1.0, pytest.approx(2 / 5))


def test_evaluate_default_split_leaves_the_last_purchases_for_testing(con):
    user_shop(con)
    result = recommend.evaluate(con)
    # Seven purchases (minutes 2, 9, 12, 14, 120, 121, 122); the 80% quantile is the sixth, w's
    # purchase of E at minute 121. After it: w's E (new) and u1's A (a re-buy): one test user.
    assert result["split_at"] == T0 + timedelta(minutes=121)
    assert result["users"] == 1
    assert recommend.evaluate(con, split_at=T0 + timedelta(days=9))["users"] == 0


def test_beats_popularity_on_the_demo_shop():
    # 200k events: about 800 test users. On the session's 20k demo the test has ~90 users and
    # the ratio swings with a couple of hits (see docs/RECOMMEND.md).
    from tests.unit.demo_support import build_memory

    con, _ = build_memory(200_000, seed=7)
    result = recommend.evaluate(con)
    con.close()
    sar, popular = result["sar"], result["popular"]
    print(result)
    assert result["users"] > 500
    assert sar["hr_at_k"] >= 1.5 * popular["hr_at_k"]
    assert sar["coverage"] > 10 * popular["coverage"]
    assert sar["fallback_share"] < 0.25


def _in_unit_interval(result: dict) -> None:
    for model in ("sar", "popular"):
        for metric, value in result[model].items():
            assert 0.0 <= value <= 1.0, (model, metric, value)


def test_evaluate_beats_popularity_on_the_real_rees46_sample(con):
    load_rees46(con, shared_sample(REES46))
    result = recommend.evaluate(con)
    _in_unit_interval(result)
    sar, popular = result["sar"], result["popular"]
    # Measured (bench/RESULTS.md): 31 test users, HR@10 0.452 vs 0.161 (14 hits against 5),
    # 2.80x; 2x leaves room for four fewer SAR hits. Popularity is one list for everyone.
    assert result["users"] >= 25, result
    assert sar["hr_at_k"] >= 2.0 * popular["hr_at_k"] > 0, result
    assert sar["ndcg_at_k"] > popular["ndcg_at_k"], result
    assert sar["coverage"] > 3 * popular["coverage"], result
    assert sar["fallback_share"] < 0.6 and popular["fallback_share"] == 1.0, result


def test_evaluate_matches_popularity_at_least_on_the_real_uci_lines(con):
    # The invoice-totals sample has no products; the lines sample has stock codes.
    import_file(con, shared_sample("online_retail_uci/online_retail_lines_first8373.csv.gz"), "online_retail")
    result = recommend.evaluate(con)
    _in_unit_interval(result)
    sar, popular = result["sar"], result["popular"]
    # Measured: 44 test users, HR@10 0.614 vs 0.568 (1.08x). 95% of the test users have no
    # earlier history in the sample's three days, so SAR is mostly its popularity fallback and
    # the bar is "never worse", with the personal lists widening what is recommended.
    assert result["users"] >= 35, result
    assert sar["fallback_share"] > 0.8, result
    assert sar["hr_at_k"] >= popular["hr_at_k"] > 0.4, result
    assert sar["coverage"] > popular["coverage"], result
    recs = recommend.user_recommendations(con, k=10)
    assert recs.groupby("user_id")["rank"].max().max() <= 10


@pytest.fixture
def published_segments(settings, monkeypatch):
    monkeypatch.setenv("MA_MIN_GROUP_SIZE", "2")
    assert jobs.run_job(settings, "load", lambda ctx: segment_shop(ctx.con)).status == "done"
    return settings


def test_cli_text_lists_products_with_reasons(published_segments, capsys):
    assert main(["--db", str(published_segments.db_path), "recommend", "--segment", "0"]) == 0
    out = capsys.readouterr().out
    assert "segment 0 (Kitchen fans) of run 1" in out
    assert "Pepper Mill" in out and "1.9x more of this segment" in out
    assert "Quilt" not in out  # one user of the segment: under min_group_size 2


def test_cli_json_contract(published_segments, capsys):
    argv = ["--db", str(published_segments.db_path), "recommend", "--segment", "0", "--run", "1", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["run_id"], data["segment_id"], data["segment"]) == (1, 0, "Kitchen fans")
    assert [p["product_id"] for p in data["products"]] == ["P"]
    assert data["products"][0]["reason"].startswith("bought or carted by 1.9x")


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--segment", "7"], "--segment 7"), (["--segment", "0", "--run", "5"], "--run 5")],
)
def test_cli_names_the_bad_option(published_segments, capsys, extra, message):
    assert main(["--db", str(published_segments.db_path), "recommend", *extra]) == 2
    assert message in capsys.readouterr().err


def test_cli_without_segment_runs_says_what_to_run(settings, capsys):
    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "recommend", "--segment", "0"]) == 2
    assert "python -m analytics segment" in capsys.readouterr().err


@pytest.mark.slow
def test_every_segment_of_the_default_demo_gets_products(tmp_path):
    # The default demo (200k events, seed 7) segmented as `make run` does: two of its five
    # segments have no product carted or bought by 20 of their users.
    from analytics.core import warehouse
    from analytics.demo import build_demo
    from analytics.segments.job import SegmentParams, segment_job
    from models.settings import Settings

    settings = Settings(db_path=tmp_path / "warehouse.duckdb")
    demo = jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, events=200_000, seed=7, replace=False))
    segments = jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(text="off")))
    assert (demo.status, segments.status) == ("done", "done")
    reader = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        sizes = reader.execute("select segment_id, count(*) from user_segments group by all order by 1").fetchall()
        lists = {s: recommend.segment_products(reader, 1, s, min_support=20) for s, n in sizes if n >= 20}
    finally:
        reader.close()
    evidence = {s: top["evidence"].iloc[0] if len(top) else None for s, top in lists.items()}
    print(evidence)
    assert len(lists) == 5 and all(len(top) >= 3 for top in lists.values()), evidence
    assert "segment" in evidence.values() and "recommender" in evidence.values()
    assert all((top["segment_users"] >= 20).all() for top in lists.values())
