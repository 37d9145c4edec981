"""KPIs and trends: REES46 traffic, UCI sales (checked against pandas on the raw file), refunds, tests."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.conversion import trends
from analytics.core import marts
from analytics.core.filters import Filters
from tests.conftest import shared_sample
from tests.unit.conversion.samples import UCI_INVOICES

NOV_2011 = Filters(date(2011, 11, 1), date(2011, 11, 30))


def test_rees46_traffic_totals(rees46_con):
    totals = trends.traffic_totals(rees46_con, Filters(date(2019, 10, 1), date(2019, 10, 1))).set_index("period")
    now = totals.loc["current"]
    assert now[["visitors", "sessions", "purchasers", "purchasing_sessions", "carting_sessions"]].tolist() == [
        3117,
        3508,
        145,
        150,
        87,
    ]
    assert now["conversion_rate"] == pytest.approx(145 / 3117)
    assert now["session_conversion_rate"] == pytest.approx(150 / 3508)


def test_empty_previous_period_has_zero_counts_and_no_rate(rees46_con):
    totals = trends.traffic_totals(rees46_con, Filters(date(2019, 10, 1), date(2019, 10, 1))).set_index("period")
    assert totals.loc["previous", "visitors"] == 0
    assert np.isnan(totals.loc["previous", "conversion_rate"])


def _uci_raw() -> pd.DataFrame:
    raw = pd.read_csv(shared_sample(UCI_INVOICES), parse_dates=["InvoiceDate"])
    return raw


def test_uci_sales_totals_match_pandas_on_the_raw_file(uci_con):
    raw = _uci_raw()
    for period, (start, end) in {
        "current": ("2011-11-01", "2011-12-01"),
        "previous": ("2011-10-02", "2011-11-01"),
    }.items():
        rows = raw[(raw["InvoiceDate"] >= start) & (raw["InvoiceDate"] < end)]
        totals = trends.sales_totals(uci_con, NOV_2011)
        gbp = totals[(totals["period"] == period) & (totals["currency"] == "GBP")].iloc[0]
        assert gbp["orders"] == rows["InvoiceNo"].nunique()
        assert gbp["revenue"] == pytest.approx(rows["TotalPrice"].sum())
        assert gbp["purchasers"] == rows["CustomerID"].nunique()
        assert gbp["repeat_purchasers"] == (rows.groupby("CustomerID")["InvoiceNo"].nunique() >= 2).sum()


def test_uci_november_figures(uci_con):
    totals = trends.sales_totals(uci_con, NOV_2011)
    now = totals[(totals["period"] == "current") & (totals["currency"] == "GBP")].iloc[0]
    assert (now["orders"], round(now["revenue"], 2), now["purchasers"]) == (2657, 1161817.38, 1664)
    assert now["aov"] == pytest.approx(1161817.38 / 2657)


def test_weekly_trend_lines_up_both_periods(uci_con):
    weekly = trends.sales_trend(uci_con, NOV_2011, "week")
    assert len(weekly) == 2 * 5  # 30 days: 4 full weeks and a 2-day bucket, in each period
    first = weekly[(weekly["period"] == "current") & (weekly["bucket"] == 0)].iloc[0]
    assert first["bucket_start"] == pd.Timestamp("2011-11-01")
    assert weekly["revenue"].sum() == pytest.approx(
        _uci_raw().query("'2011-10-02' <= InvoiceDate < '2011-12-01'")["TotalPrice"].sum()
    )


def test_daily_trend_fills_days_without_orders_with_zero(uci_con):
    daily = trends.sales_trend(uci_con, NOV_2011, "day")
    assert len(daily) == 60
    sundays_off = daily[(daily["period"] == "current") & (daily["bucket_start"] == pd.Timestamp("2011-11-05"))]
    assert sundays_off["orders"].tolist() == [0]  # the shop sold nothing on Saturdays


def test_sales_changes_flag_orders_and_aov(uci_con):
    changes = {
        (c.metric, c.currency): c
        for c in trends.sales_changes(
            trends.sales_totals(uci_con, NOV_2011), trends.sales_trend(uci_con, NOV_2011, "day")
        )
    }
    orders = changes[("orders", "GBP")]
    assert (orders.current, orders.previous) == (2657, 1929)
    assert orders.relative == pytest.approx(2657 / 1929 - 1)
    assert orders.significant
    assert not changes[("revenue", "GBP")].significant  # daily revenue swings more than the change
    assert changes[("repeat_purchase_rate", None)].significant


def test_two_proportion_test_matches_the_textbook_value():
    # 60/100 vs 40/100: pooled p = 0.5, z = 0.2 / sqrt(0.5 * 0.5 * 0.02) = 2.828..., p = 0.00468
    assert trends.two_proportion_p(60, 100, 40, 100) == pytest.approx(0.004678, rel=1e-3)
    assert trends.two_proportion_p(1, 0, 1, 10) is None


def test_welch_test_needs_two_days_a_side():
    assert trends.welch_p(np.array([1.0]), np.array([1.0, 2.0])) is None
    assert trends.welch_p(np.array([1.0, 2.0, 3.0]), np.array([7.0, 8.0, 9.0])) < 0.01


def test_refunds_reduce_the_revenue_of_their_order(con):
    con.execute("""
        insert into events (event_time, event_type, user_id, product_id, quantity, price, currency, order_id) values
        ('2026-03-02 10:00', 'purchase', 'u1', 'p1', 2, 50.0, 'EUR', 'o1'),
        ('2026-03-09 10:00', 'refund', 'u1', 'p1', 1, 50.0, 'EUR', 'o1'),
        ('2026-03-10 10:00', 'refund', 'u2', 'p2', 1, 20.0, 'EUR', 'o-before-the-data')
    """)
    marts.refresh(con)
    totals = trends.sales_totals(con, Filters(date(2026, 3, 1), date(2026, 3, 31)))
    eur = totals[(totals["period"] == "current") & (totals["currency"] == "EUR")].iloc[0]
    assert (eur["orders"], eur["revenue"]) == (1, 100.0 - 50.0 - 20.0)


def test_unknown_grain_is_refused(uci_con):
    with pytest.raises(ValueError, match="valid grains: day, week"):
        trends.sales_trend(uci_con, NOV_2011, "hour")
