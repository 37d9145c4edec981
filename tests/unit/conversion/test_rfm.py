"""RFM on the full-year UCI invoices, checked against an independent pandas computation."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.conversion import rfm
from analytics.core.filters import Filters
from tests.conftest import shared_sample
from tests.unit.conversion.samples import UCI_INVOICES

FULL_YEAR = Filters(date(2010, 12, 1), date(2011, 12, 9))


def _pandas_rfm() -> pd.DataFrame:
    """RFM from the raw file with pandas only: as of 2011-12-09, scores 1 + floor(5 x percent rank)."""
    raw = pd.read_csv(shared_sample(UCI_INVOICES), parse_dates=["InvoiceDate"])
    per = raw.groupby("CustomerID").agg(
        last=("InvoiceDate", "max"), count_orders=("InvoiceNo", "nunique"), revenue=("TotalPrice", "sum")
    )
    per["recency_days"] = (pd.Timestamp("2011-12-09") - per["last"]).dt.days
    per["revenue"] = per["revenue"].round(2)  # monetary value in cents, as the SQL ranks it

    def score(values: pd.Series, ascending: bool) -> pd.Series:
        ranks = values.rank(method="min", ascending=ascending)
        return np.minimum(5, 1 + np.floor(5 * (ranks - 1) / (len(values) - 1))).astype(int)

    per["r_score"] = score(per["recency_days"], ascending=False)
    per["f_score"] = score(per["count_orders"], ascending=True)
    per["m_score"] = score(per["revenue"], ascending=True)
    per.index = per.index.astype(str)
    return per.sort_index()


@pytest.fixture(scope="module")
def uci_rfm(uci_con):
    return rfm.scores(uci_con, FULL_YEAR, "GBP").set_index("user_id").sort_index()


def test_rfm_matches_pandas_for_every_customer(uci_rfm):
    expected = _pandas_rfm()
    assert list(uci_rfm.index) == list(expected.index)
    for column in ("recency_days", "count_orders", "r_score", "f_score", "m_score"):
        assert (uci_rfm[column].to_numpy() == expected[column].to_numpy()).all(), column
    assert np.allclose(uci_rfm["revenue"], expected["revenue"])


def test_uci_rfm_figures(uci_rfm):
    assert len(uci_rfm) == 4338
    first = uci_rfm.loc["12346"]  # one invoice of 77,183.60 on 2011-01-18
    assert (first["recency_days"], first["count_orders"], first["revenue"]) == (325, 1, 77183.6)
    assert (first["r_score"], first["f_score"], first["m_score"], first["tier"]) == (1, 1, 5, "Hibernating")


def test_uci_tier_sizes(uci_rfm):
    sizes = uci_rfm["tier"].value_counts().to_dict()
    assert sizes == {
        "Hibernating": 1349,
        "Loyal": 681,
        "Champions": 604,
        "About to sleep": 475,
        "Potential loyalists": 474,
        "At risk": 372,
        "Promising": 163,
        "Need attention": 116,
        "New customers": 67,
        "Can't lose them": 37,
    }


def test_tier_table_shares_add_up(uci_rfm):
    table = rfm.tiers(uci_rfm.reset_index())
    assert table["customers"].sum() == 4338
    assert table["share_customers"].sum() == pytest.approx(1.0)
    assert table["share_revenue"].sum() == pytest.approx(1.0)
    assert table.iloc[0]["tier"] == "Champions"


def test_every_score_pair_has_exactly_one_tier():
    for r in range(1, 6):
        for f in range(1, 6):
            matches = [name for name, rs, fs in rfm.TIERS if r in rs and f in fs]
            assert len(matches) == 1, (r, f, matches)


def test_scores_outside_one_to_five_are_refused():
    with pytest.raises(ValueError, match="scores must be 1-5"):
        rfm.tier(0, 3)


def test_currencies_largest_first(uci_con):
    assert rfm.currencies(uci_con) == ["GBP"]


def test_tiers_of_gives_each_pair_its_tier_and_refuses_scores_outside_1_to_5():
    pairs = [(r, f) for r in range(1, 6) for f in range(1, 6)]
    expected = [next(name for name, rs, fs in rfm.TIERS if r in rs and f in fs) for r, f in pairs]
    assert rfm.tiers_of([r for r, _ in pairs], [f for _, f in pairs]).tolist() == expected
    assert [rfm.tier(r, f) for r, f in pairs] == expected
    assert rfm.tiers_of([], []).tolist() == []
    with pytest.raises(ValueError, match="got R=3 F=6"):
        rfm.tiers_of([5, 3], [5, 6])
