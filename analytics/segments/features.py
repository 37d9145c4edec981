"""User features for segmentation: one row per user with at least one event.

Behaviour (recency, frequency, money, engagement, price level, discount response, reviews,
searches, average sentiment when reviews were scored) comes from ``sql/user_features.sql``;
affinities (share of a user's events per top category, brand, traffic source and device) from
``sql/user_mix.sql``. Everything is computed in DuckDB; Python only places the affinity counts
into columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics.core import queries

# Affinity dimensions and how many of the most common values of each become columns.
MIX_DIMENSIONS = ("category", "brand", "traffic_source", "device")
DEFAULT_TOP_VALUES = 8

# Behaviour columns of sql/user_features.sql, in order; avg_sentiment is added when scored.
BEHAVIOUR_COLUMNS = (
    "days_since_last_event",
    "days_since_last_purchase",
    "days_since_first_event",
    "count_events",
    "count_sessions",
    "count_views",
    "count_carts",
    "count_orders",
    "count_refunds",
    "revenue",
    "avg_order_value",
    "views_per_session",
    "cart_rate",
    "purchase_rate",
    "wishlist_rate",
    "remove_share",
    "refund_share",
    "purchase_session_rate",
    "price_level",
    "discount_share",
    "count_reviews",
    "review_share",
    "avg_rating",
    "count_searches",
    "searches_per_session",
)


@dataclass(frozen=True)
class UserFeatures:
    """The user feature table and what it holds.

    ``table``: one row per user with at least one event, ordered by ``user_id``: ``user_id``,
    ``currency`` (of most of the user's purchases; null for users who never bought; money
    columns are in it), the behaviour columns (``BEHAVIOUR_COLUMNS``, plus ``avg_sentiment``
    when ``has_sentiment``)
    and one share column per affinity value named ``<dimension>:<value>`` (e.g.
    ``category:electronics``: the share of the user's categorised events in that category).
    Nullable columns (no purchase, no review, no list price) hold NaN.
    """

    table: pd.DataFrame
    behaviour: tuple[str, ...]
    affinities: tuple[str, ...]
    currency: str | None  # the currency most buyers buy in
    has_sentiment: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def user_ids(self) -> np.ndarray:
        return self.table["user_id"].to_numpy()

    def __len__(self) -> int:
        return len(self.table)


def user_features(con: duckdb.DuckDBPyConnection, top_values: int = DEFAULT_TOP_VALUES) -> UserFeatures:
    """Build the feature table of every user with at least one event (see ``UserFeatures``)."""
    table = queries.frame(con, "user_features")
    behaviour = list(BEHAVIOUR_COLUMNS)
    currencies = table["currency"].dropna().value_counts()
    currency = str(currencies.index[0]) if len(currencies) else None
    notes = []
    if len(currencies) > 1:
        notes.append(
            f"money is never summed across currencies: figures in {currency} are for users buying in "
            f"{currency} (and users who never bought)"
        )
    sentiment = _sentiment(con)
    if sentiment is not None:
        table = table.merge(sentiment[["user_id", "avg_sentiment"]], on="user_id", how="left")
        behaviour.append("avg_sentiment")
    else:
        notes.append("no review sentiment scores yet: sentiment is left out")
    mix = affinity_shares(con, len(table), top_values)
    table = pd.concat([table.reset_index(drop=True), mix], axis=1)
    return UserFeatures(table, tuple(behaviour), tuple(mix.columns), currency, sentiment is not None, tuple(notes))


def comparable_money(table: pd.DataFrame, column: str) -> np.ndarray:
    """A money column made comparable across currencies without exchange rates: each value
    divided by the median positive value of its currency (1 = a typical buyer of that
    currency); users without a currency (never bought) keep 0."""
    values = table[column].to_numpy(np.float64, na_value=np.nan)
    out = np.where(np.isnan(values), np.nan, 0.0)
    for rows in table.groupby("currency", dropna=True).indices.values():
        part = values[rows]
        positive = part[part > 0]
        median = float(np.median(positive)) if len(positive) else 1.0
        out[rows] = part / median
    return out


def in_currency(table: pd.DataFrame, currency: str | None) -> np.ndarray:
    """Users whose money columns can be read in ``currency``: those buying in it and those who
    never bought (their money is 0 in every currency)."""
    return (table["currency"].isna() | (table["currency"] == currency)).to_numpy()


def affinity_values(con: duckdb.DuckDBPyConnection, top_values: int = DEFAULT_TOP_VALUES) -> dict[str, list[str]]:
    """The most common ``top_values`` values of each dimension in ``MIX_DIMENSIONS``, most common first."""
    found = queries.frame(con, "mix_values", {"top_n": top_values})
    return {d: found.loc[found["dimension"] == d, "value"].astype(str).tolist() for d in MIX_DIMENSIONS}


def affinity_shares(con: duckdb.DuckDBPyConnection, n_users: int, top_values: int) -> pd.DataFrame:
    """Share of each user's events per top value of each dimension.

    Output: ``n_users`` rows in user_id order (the order of ``user_features.sql``), one float
    column per (dimension, value) named ``<dimension>:<value>``, dimensions in
    ``MIX_DIMENSIONS`` order and values by overall frequency; 0 where the user has none. A
    share's denominator is the user's events with any value of that dimension.
    """
    values = affinity_values(con, top_values)
    names = [f"{d}:{v}" for d in MIX_DIMENSIONS for v in values[d]]
    matrix = np.zeros((n_users, len(names)), dtype=np.float32)
    if not names:
        return pd.DataFrame(matrix, columns=names)
    params = {
        "categories": values["category"],
        "brands": values["brand"],
        "traffic_sources": values["traffic_source"],
        "devices": values["device"],
    }
    raw = con.execute(queries.sql("user_mix"), params).fetchnumpy()
    rows = raw["user_row"].astype(np.int64)
    column = 0
    for dimension in MIX_DIMENSIONS:
        width = len(values[dimension])
        codes = raw[f"{dimension}_code"].astype(np.int64)
        has_value = codes >= 0
        totals = np.bincount(rows[has_value], minlength=n_users).astype(np.float64)
        listed = codes > 0
        counts = np.bincount(rows[listed] * width + codes[listed] - 1, minlength=n_users * width)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = counts.reshape(n_users, width) / totals[:, None]
        matrix[:, column : column + width] = np.nan_to_num(shares)
        column += width
    return pd.DataFrame(matrix, columns=names)


def _sentiment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Average sentiment per user, or None while no review has been scored."""
    if not queries.one(con, "has_table", {"table_name": "review_sentiment"}).get("is_present"):
        return None
    scored = queries.frame(con, "user_sentiment")
    return scored if len(scored) else None
