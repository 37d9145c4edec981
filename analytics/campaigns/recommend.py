"""Recommendations: products to feature per segment, products to suggest per user, and an
offline evaluation against popularity. Method and figures: docs/RECOMMEND.md.

The heavy work (pairs of products over every user's history) runs in DuckDB
(analytics/campaigns/sql/recommend_*.sql); Python only formats reasons and computes metrics over the
small top-k lists. Results are exact: the minimum group size is a filter the caller chooses
(``min_support``), as the privacy rules want it applied where data is shown.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from analytics.core import queries

# User-item affinity weights per event type (wishlist counts as a cart). A purchase says more
# than a cart, a cart more than a view; views still carry most of the taste because there are
# twenty times more of them.
PURCHASE_WEIGHT, CART_WEIGHT, VIEW_WEIGHT = 4.0, 2.0, 1.0
# Time decay is optional: on the demo shop (stable tastes) any half-life under a year lowered
# HR@10, so the default keeps the whole history (None).
HALF_LIFE_DAYS: float | None = None
MAX_HISTORY = 50  # a user's strongest products entering the pair count (bounds the self-join)
MAX_NEIGHBOURS = 50  # most similar products kept per product
MIN_TOGETHER = 2  # users two products must share to count as related (one is chance)
SIMILARITY = "cosine"  # cooccurrence, jaccard, lift or cosine (docs/RECOMMEND.md)
TEST_SHARE = 0.2  # the evaluation tests on the last 20% of purchases

SEGMENT_COLUMNS = [
    "product_id",
    "title",
    "category",
    "brand",
    "price",
    "segment_users",
    "segment_rate",
    "overall_rate",
    "lift",
    "reason",
    "evidence",
]
# What a segment's product list rests on, in the order it is tried (docs/RECOMMEND.md): the
# products its users buy or cart more than average; else what the per-user recommender puts in
# the top of most of its users' lists; then best sellers of the categories and brands its users
# buy in more than average.
EVIDENCE = ("segment", "recommender", "category", "brand")
MIN_Z = 1.96  # a category or brand counts as over-indexed only this far above the rest (about p < 0.025)
RECOMMENDER_K = 10  # the per-user list a product must enter to count for a user
# Users of one segment the recommender scores: its fixed cost is the item pairs of the whole
# shop, its variable cost one top-k per user; a sample this large ranks a segment's favourites.
MAX_SCORED_USERS = 5_000
USER_COLUMNS = ["user_id", "rank", "product_id", "title", "score", "reason", "source"]


def segment_products(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    segment_id: int,
    *,
    limit: int = 10,
    min_support: int = 20,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """Up to ``limit`` products to feature for segment ``segment_id`` of run ``run_id``, with the
    evidence each rests on (``evidence``, one of EVIDENCE) and a reason naming it.

    First the products the segment over-indexes on, best lift first: a product's rate is the
    share of users who carted or bought it (one count per user, unweighted: a cart and a
    purchase both show intent, and counting people keeps ``segment_users`` a group size the
    privacy minimum applies to). When no product has ``min_support`` users of the segment, the
    list falls back to the products the per-user recommender puts in the top RECOMMENDER_K of
    most of the segment's users, then to the best sellers of the categories and brands the
    segment clearly over-indexes on (that order predicted the segment's next purchases best,
    docs/RECOMMEND.md). Every row's ``segment_users`` (the segment's users behind its evidence)
    is at least ``min_support``: pass settings.min_group_size. ``lift`` is that of the product,
    category or brand; the recommender's rows have none. ``as_of`` uses only earlier events.
    """
    where = {"run_id": run_id, "segment_id": segment_id, "limit": limit, "min_support": max(1, min_support)}
    products = _lift_products(con, where, as_of)
    if not products.empty:
        return products
    picks = _recommender_picks(con, where, as_of)
    if len(picks) >= limit:
        return picks
    return _fill(picks, _group_sellers(con, where, as_of), limit)


def _fill(picks: pd.DataFrame, sellers: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The recommender's picks, filled up to ``limit`` with the sellers not among them."""
    sellers = sellers[~sellers["product_id"].isin(picks["product_id"])]
    return pd.concat([picks, sellers], ignore_index=True).head(limit)


def _lift_products(con: duckdb.DuckDBPyConnection, where: dict[str, Any], as_of: datetime | None) -> pd.DataFrame:
    frame = queries.frame(con, "recommend_segment_lift", where | {"as_of": as_of, "grouping": "product"})
    frame["reason"] = [
        _segment_reason(row.lift, row.segment_users, row.segment_size) for row in frame.itertuples(index=False)
    ]
    return frame.assign(evidence="segment")[SEGMENT_COLUMNS]


def _group_sellers(con: duckdb.DuckDBPyConnection, where: dict[str, Any], as_of: datetime | None) -> pd.DataFrame:
    """Best sellers of the clearly over-indexed categories and brands, taken in turns: each
    group's best seller by the group's lift, then each group's second, so the list spans the
    segment's tastes instead of filling up from one category."""
    frame = queries.frame(con, "recommend_segment_lift", where | {"as_of": as_of, "grouping": "group"})
    frame = frame[frame["z"] >= MIN_Z].drop_duplicates("product_id").head(where["limit"])
    frame["reason"] = [_group_reason(row) for row in frame.itertuples(index=False)]
    return frame.rename(columns={"dimension": "evidence"})[SEGMENT_COLUMNS].reset_index(drop=True)


def _group_reason(row: Any) -> str:
    kind = "category" if row.dimension == "category" else "brand"
    return (
        f"a best seller of the {kind} {row.value}, which this segment buys or carts in {row.lift:.1f}x "
        f"as often as average ({row.segment_users:,} of its {row.segment_size:,} users)"
    )


def _recommender_picks(con: duckdb.DuckDBPyConnection, where: dict[str, Any], as_of: datetime | None) -> pd.DataFrame:
    """The products in most of the segment's users' own top RECOMMENDER_K (personal picks only,
    not the popularity fill-up), each in at least ``min_support`` users' lists. A large segment
    is scored on a fixed random sample of MAX_SCORED_USERS users, and the reason says so."""
    members = queries.frame(con, "segment_members", {k: where[k] for k in ("run_id", "segment_id")})["user_id"]
    scored = members.sample(n=min(len(members), MAX_SCORED_USERS), random_state=0).sort_values()
    picks = _ranked(con, scored.tolist(), k=RECOMMENDER_K, as_of=as_of, popular_only=False)
    picks = picks[picks["source"] == "co-occurrence"]
    table = picks.groupby("product_id", as_index=False).agg(
        segment_users=("user_id", "nunique"),
        score=("score", "sum"),
        **{column: (column, "first") for column in ("title", "category", "brand", "price")},
    )
    table = table[table["segment_users"] >= where["min_support"]]
    table = table.sort_values(["segment_users", "score", "product_id"], ascending=[False, False, True])
    table = table.head(where["limit"])
    of = f"this segment's {len(members):,} users"
    if len(scored) < len(members):
        of = f"{len(scored):,} sampled of {of}"
    table["segment_rate"] = table["segment_users"] / len(scored)
    table["reason"] = [
        f"in the recommender's top {RECOMMENDER_K} for {users:,} of {of} "
        "(picked from what each viewed, carted and bought)"
        for users in table["segment_users"]
    ]
    table = table.assign(overall_rate=float("nan"), lift=float("nan"), evidence="recommender")
    return table[SEGMENT_COLUMNS].reset_index(drop=True)


def _segment_reason(lift: float, users: int, size: int) -> str:
    who = f"({users:,} of its {size:,} users)"
    if lift >= 1.05:
        return f"bought or carted by {lift:.1f}x more of this segment than average {who}"
    if lift > 0.95:
        return f"bought or carted by this segment as often as average {who}"
    return f"bought or carted by {lift:.1f}x as many of this segment as average {who}"


def user_recommendations(
    con: duckdb.DuckDBPyConnection,
    user_ids: list[str] | None = None,
    *,
    k: int = 10,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """Up to ``k`` products per user, SAR-style, with a reason each.

    Score of product j for user u: sum over u's products i of affinity(u, i) x similarity(i, j),
    similarity from how many users' histories hold both (cosine). Products u bought are
    excluded. Users without history, or with fewer than ``k`` scored products, are filled up
    with the products bought by most users (``source`` 'popular'). ``user_ids`` None means
    every known user; ``as_of`` uses only events before it (the offline evaluation).
    """
    frame = _ranked(con, user_ids, k=k, as_of=as_of, popular_only=False)
    frame["reason"] = [_user_reason(row) for row in frame.itertuples(index=False)]
    return frame[USER_COLUMNS]


def _ranked(
    con: duckdb.DuckDBPyConnection,
    user_ids: list[str] | None,
    *,
    k: int,
    as_of: datetime | None,
    popular_only: bool,
) -> pd.DataFrame:
    params = {
        "user_ids": None if user_ids is None else [str(u) for u in user_ids],
        "k": int(k),
        "as_of": as_of,
        "popular_only": popular_only,
        "purchase_weight": PURCHASE_WEIGHT,
        "cart_weight": CART_WEIGHT,
        "view_weight": VIEW_WEIGHT,
        "half_life_days": HALF_LIFE_DAYS,
        "max_history": MAX_HISTORY,
        "max_neighbours": MAX_NEIGHBOURS,
        "min_together": MIN_TOGETHER,
        "similarity": SIMILARITY,
    }
    return queries.frame(con, "recommend_user_items", params)


def _user_reason(row: Any) -> str:
    if row.source == "popular":
        return "popular: bought by many customers"
    if row.because_product_id == row.product_id:
        return "viewed or carted before and not bought yet"
    return f"often bought with {row.because_title}"


def evaluate(con: duckdb.DuckDBPyConnection, *, split_at: datetime | None = None, k: int = 10) -> dict[str, Any]:
    """Time-split offline evaluation of the SAR model against popularity.

    Both models learn from events before ``split_at`` (default: the purchase time that leaves
    the last 20% of purchases after it). Test users are those who bought after the split;
    their targets are the products they bought after it and had not bought before. Returns
    ``split_at``, ``users`` and, for ``sar`` and ``popular``: hr_at_k, ndcg_at_k, coverage
    (share of the catalog recommended to some test user) and fallback_share (share of test
    users served by the popularity fallback alone). Deterministic: ties break on product id.
    """
    if split_at is None:
        split_at = queries.one(con, "recommend_split_point", {"test_share": TEST_SHARE}).get("split_at")
    result: dict[str, Any] = {"split_at": split_at, "k": k, "users": 0}
    targets = queries.frame(con, "recommend_eval_targets", {"split_at": split_at}) if split_at else pd.DataFrame()
    if targets.empty:
        empty = {"hr_at_k": 0.0, "ndcg_at_k": 0.0, "coverage": 0.0, "fallback_share": 0.0}
        return result | {"sar": empty, "popular": dict(empty)}
    wanted = targets.groupby("user_id")["product_id"].agg(set).to_dict()
    users = sorted(wanted)
    catalog = int(queries.one(con, "recommend_catalog_size")["products"])
    result["users"] = len(users)
    for name, popular_only in (("sar", False), ("popular", True)):
        recs = _ranked(con, users, k=k, as_of=split_at, popular_only=popular_only)
        result[name] = _metrics(recs, wanted, k, catalog)
    return result


def evaluate_segments(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    split_at: datetime | None = None,
    k: int = 10,
    min_support: int = 20,
) -> pd.DataFrame:
    """Time-split check of the per-segment lists: which evidence predicts what a segment buys next.

    Each list of up to ``k`` products is learnt from events before ``split_at`` (default as in
    ``evaluate``): the segment's own products (``segment``), the recommender's picks
    (``recommender``), the over-indexed categories' and brands' best sellers (``category or
    brand``), what ``segment_products`` features (``featured``) and the products bought by most
    users (``popular``, the baseline). Per segment of run ``run_id`` with ``min_support`` users
    and list: ``segment_id, list, products, test_users`` (its users who bought a product new to
    them after the split), ``hit_users`` (of those, who bought one of the list's) and
    ``hit_rate``. The segments themselves were learnt on all history: compare the lists with
    each other, not with ``evaluate``'s per-user figures.
    """
    if split_at is None:
        split_at = queries.one(con, "recommend_split_point", {"test_share": TEST_SHARE}).get("split_at")
    targets = queries.frame(con, "recommend_eval_targets", {"split_at": split_at})
    popular = queries.frame(con, "recommend_popular_products", {"as_of": split_at, "k": k})
    profiles = queries.frame(con, "segment_run_profiles", {"run_id": run_id})
    rows = []
    for segment_id in profiles.loc[profiles["count_users"] >= min_support, "segment_id"]:
        where = {"run_id": run_id, "segment_id": int(segment_id), "limit": k, "min_support": min_support}
        lists = _segment_lists(con, where, split_at) | {"popular": popular}
        members = queries.frame(con, "segment_members", {"run_id": run_id, "segment_id": int(segment_id)})
        test = targets[targets["user_id"].isin(members["user_id"])]
        for name, listed in lists.items():
            hits = test.loc[test["product_id"].isin(listed["product_id"]), "user_id"].nunique()
            users = test["user_id"].nunique()
            rows.append((int(segment_id), name, len(listed), users, hits, hits / users if users else None))
    columns = ["segment_id", "list", "products", "test_users", "hit_users", "hit_rate"]
    return pd.DataFrame(rows, columns=columns)


def _segment_lists(
    con: duckdb.DuckDBPyConnection, where: dict[str, Any], as_of: datetime | None
) -> dict[str, pd.DataFrame]:
    """Every kind of evidence's list, and the one ``segment_products`` would feature from them."""
    own = _lift_products(con, where, as_of)
    picks = _recommender_picks(con, where, as_of)
    sellers = _group_sellers(con, where, as_of)
    featured = own
    if own.empty:  # the order segment_products tries them in
        featured = picks if len(picks) >= where["limit"] else _fill(picks, sellers, where["limit"])
    return {"segment": own, "recommender": picks, "category or brand": sellers, "featured": featured}


def _metrics(recs: pd.DataFrame, wanted: dict[str, set], k: int, catalog: int) -> dict[str, float]:
    """HR@k, NDCG@k (binary relevance), coverage and fallback share over the test users."""
    lists = recs.sort_values(["user_id", "rank"]).groupby("user_id")["product_id"].agg(list).to_dict()
    hits, ndcg = 0, 0.0
    for user, targets in wanted.items():
        ranked = lists.get(user, [])[:k]
        gains = [1.0 / math.log2(position + 2) for position, item in enumerate(ranked) if item in targets]
        ideal = sum(1.0 / math.log2(position + 2) for position in range(min(len(targets), k)))
        hits += bool(gains)
        ndcg += sum(gains) / ideal
    personal = recs[recs["source"] == "co-occurrence"]["user_id"].nunique()
    n = len(wanted)
    return {
        "hr_at_k": hits / n,
        "ndcg_at_k": ndcg / n,
        "coverage": recs["product_id"].nunique() / catalog if catalog else 0.0,
        "fallback_share": 1.0 - personal / n,
    }
