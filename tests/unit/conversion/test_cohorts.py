"""First-purchase cohort retention on hand-made shops whose retention is worked out in the comments."""

from datetime import date

import pandas as pd
import pytest

from analytics.conversion import cohorts
from analytics.core import marts
from analytics.core.filters import Filters

# Monthly shop (products: p1 home.kitchen, p2 garden.tools). Purchases:
#   a: Jan 10 (p1), Feb 5 (p2), Mar 20 (p1)      cohort Jan, active in months 0, 1, 2
#   b: Jan 20, Jan 22, Mar 3 (p1)                cohort Jan, active 0, 2 (two January orders count once)
#   c: Jan 25 (p1)                               cohort Jan, active 0
#   d: Feb 14, Mar 1 (p1)                        cohort Feb, active 0, 1
#   e: Feb 28 (p1)                               cohort Feb, active 0
#   f: Mar 15, Apr 2 (p1)                        cohort Mar, active 0 (April is after the end date)
#   g: Dec 5 2023, Feb 9 (p1)                    cohort Dec 2023: before the 3 cohorts, left out
#   h: views and carts p1 only                   never a cohort
# Three monthly cohorts up to Mar 31: Jan (3 customers) 3/3, 1/3, 2/3; Feb (2) 2/2, 1/2; Mar (1) 1/1.
MONTHLY = [
    ("a", "2024-01-10", "p1"),
    ("a", "2024-02-05", "p2"),
    ("a", "2024-03-20", "p1"),
    ("b", "2024-01-20", "p1"),
    ("b", "2024-01-22", "p1"),
    ("b", "2024-03-03", "p1"),
    ("c", "2024-01-25", "p1"),
    ("d", "2024-02-14", "p1"),
    ("d", "2024-03-01", "p1"),
    ("e", "2024-02-28", "p1"),
    ("f", "2024-03-15", "p1"),
    ("f", "2024-04-02", "p1"),
    ("g", "2023-12-05", "p1"),
    ("g", "2024-02-09", "p1"),
]
# March only as the selected dates: cohorts count back from the end, whatever the start.
MARCH = Filters(date(2024, 3, 1), date(2024, 3, 31))


def _shop(con, purchases: list[tuple[str, str, str]]) -> None:
    con.execute(
        "insert into products values ('p1', 'Pan', 'home.kitchen', 'Acme', 10.0), "
        "('p2', 'Rake', 'garden.tools', 'Acme', 20.0)"
    )
    for i, (user, day, product) in enumerate(purchases):
        con.execute(
            "insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, "
            "currency, order_id) values (cast($day as timestamp) + interval 10 hour, 'purchase', $user, $session, "
            "$product, 1, 10.0, 'EUR', $order)",
            {"day": day, "user": user, "session": f"s{i}", "product": product, "order": f"o{i}"},
        )
    for kind in ("view", "cart"):
        con.execute(
            "insert into events (event_time, event_type, user_id, session_id, product_id, quantity, price, currency) "
            "values (timestamp '2024-03-05 09:00', $kind, 'h', 'sh', 'p1', 1, 10.0, 'EUR')",
            {"kind": kind},
        )
    marts.refresh(con)


def _cells(long: pd.DataFrame) -> dict[tuple[str, int], tuple[int, int, float]]:
    """{(cohort start, periods since): (cohort customers, active customers, retention)}."""
    return {
        (str(pd.Timestamp(r.cohort).date()), int(r.periods_since)): (
            int(r.cohort_users),
            int(r.active_users),
            round(float(r.retention), 4),
        )
        for r in long.itertuples()
    }


def test_monthly_retention_of_each_cohort(con):
    _shop(con, MONTHLY)
    long = cohorts.retention(con, MARCH, "month", cohorts=3)
    assert list(long.columns) == ["cohort", "cohort_users", "periods_since", "active_users", "retention"]
    assert _cells(long) == {
        ("2024-01-01", 0): (3, 3, 1.0),
        ("2024-01-01", 1): (3, 1, 0.3333),
        ("2024-01-01", 2): (3, 2, 0.6667),
        ("2024-02-01", 0): (2, 2, 1.0),
        ("2024-02-01", 1): (2, 1, 0.5),
        ("2024-03-01", 0): (1, 1, 1.0),
    }


def test_more_cohorts_reach_back_to_earlier_first_purchases(con):
    _shop(con, MONTHLY)
    cells = _cells(cohorts.retention(con, MARCH, "month", cohorts=4))
    # December 2023 now counts: g alone, back in February (period 2); the Feb cohort loses nobody.
    assert cells[("2023-12-01", 0)] == (1, 1, 1.0) and cells[("2023-12-01", 2)] == (1, 1, 1.0)
    assert ("2023-12-01", 1) not in cells
    assert cells[("2024-02-01", 0)] == (2, 2, 1.0)


def test_a_category_filter_decides_first_purchases_and_activity(con):
    _shop(con, MONTHLY)
    cells = _cells(cohorts.retention(con, Filters(MARCH.start, MARCH.end, categories=("home",)), "month", 3))
    # a's February rake (garden) no longer counts: January keeps 3 customers, nobody in month 1.
    assert ("2024-01-01", 1) not in cells
    assert cells[("2024-01-01", 2)] == (3, 2, 0.6667)
    garden = _cells(cohorts.retention(con, Filters(MARCH.start, MARCH.end, categories=("garden",)), "month", 3))
    assert garden == {("2024-02-01", 0): (1, 1, 1.0)}  # a's first garden purchase was in February


def test_weekly_cohorts_start_on_mondays(con):
    # Two weeks up to Sunday Mar 17: the weeks of Monday Mar 4 and Monday Mar 11.
    # x: Tue Mar 5 and Mon Mar 11 -> week of Mar 4, active in weeks 0 and 1.
    # y: Sun Mar 10 -> week of Mar 4, active in week 0.
    # z: Tue Mar 12 and Mon Mar 18 (after the end) -> week of Mar 11, active in week 0.
    _shop(
        con,
        [
            ("x", "2024-03-05", "p1"),
            ("x", "2024-03-11", "p1"),
            ("y", "2024-03-10", "p1"),
            ("z", "2024-03-12", "p1"),
            ("z", "2024-03-18", "p1"),
        ],
    )
    long = cohorts.retention(con, Filters(date(2024, 3, 1), date(2024, 3, 17)), "week", cohorts=2)
    assert _cells(long) == {
        ("2024-03-04", 0): (2, 2, 1.0),
        ("2024-03-04", 1): (2, 1, 0.5),
        ("2024-03-11", 0): (1, 1, 1.0),
    }


def test_heatmap_is_one_row_per_cohort_with_gaps_where_nobody_bought(con):
    _shop(con, MONTHLY)
    heat = cohorts.heatmap(cohorts.retention(con, MARCH, "month", cohorts=3))
    assert [str(pd.Timestamp(c).date()) for c in heat.index] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert list(heat.columns) == [0, 1, 2]
    assert heat.iloc[0].round(4).tolist() == [1.0, 0.3333, 0.6667]
    assert heat.iloc[1, :2].tolist() == [1.0, 0.5] and pd.isna(heat.iloc[1, 2])
    assert heat.iloc[2, 0] == 1.0 and heat.iloc[2, 1:].isna().all()
    assert cohorts.heatmap(cohorts.retention(con, Filters(date(2020, 1, 1), date(2020, 1, 31)), "month")).empty


@pytest.mark.parametrize(
    ("grain", "count", "message"),
    [("day", 12, "unknown cohort grain 'day'; valid grains: week, month"), ("week", 0, "between 1 and 60 \\(got 0\\)")],
)
def test_bad_arguments_are_refused_with_what_is_valid(con, grain, count, message):
    with pytest.raises(ValueError, match=message):
        cohorts.retention(con, MARCH, grain, cohorts=count)
