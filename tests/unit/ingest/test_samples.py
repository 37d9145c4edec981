"""Each real sample in ../shared/data imports with the counts its README states, or a documented
difference (docs/IMPORTING.md): events are a set; invoice and order lines are merged per order,
product and price; review ids repeated by the source are stored once."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from analytics.core import warehouse
from analytics.ingest import import_file
from tests.conftest import shared_sample

REES46 = "rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz"
TAOBAO = "taobao_userbehavior/UserBehavior_sample.csv.gz"
UCI_LINES = "online_retail_uci/online_retail_lines_first8373.csv.gz"
UCI_INVOICES = "online_retail_uci/online_retail_invoices_cleaned.csv.gz"
AMAZON = "amazon_reviews_2018_fashion/AMAZON_FASHION_5.jsonl.gz"
WOMENS = "womens_clothing_reviews/womens_clothing_reviews_first1000.csv.gz"
OLIST = "olist_brazilian_ecommerce_sample"
WOMENS_MAPPING = "docs/mappings/womens_clothing_reviews.toml"


def imported(relative: str, fmt: str | None = None, mapping: str | None = None):
    con = warehouse.connect_memory()
    result = import_file(con, shared_sample(relative), fmt, mapping)
    return con, result


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


def by(con, sql: str) -> dict:
    return dict(con.execute(sql).fetchall())


@pytest.fixture(scope="module")
def rees46():
    con, result = imported(REES46)
    yield con, result
    con.close()


def test_rees46_counts_match_the_readme_less_four_exact_duplicates(rees46):
    con, result = rees46
    assert result.format == "rees46" and result.rows_read == 12_105
    assert result.notes["duplicate_events_in_file"] == 4  # 3 repeated views and 1 repeated cart
    assert by(con, "select event_type, count(*) from events group by 1") == {
        "view": 11_824,
        "cart": 122,
        "purchase": 155,
    }
    assert scalar(con, "select count(distinct user_id) from events") == 3_117
    assert scalar(con, "select count(distinct session_id) from events") == 3_508
    assert scalar(con, "select count(*) from products") == 4_882
    assert scalar(con, "select count(*) from users") == 3_117


def test_rees46_times_are_utc_prices_usd_and_purchases_form_orders_per_session(rees46):
    con, _ = rees46
    first, last = con.execute("select min(event_time), max(event_time) from events").fetchone()
    assert (first, last) == (datetime(2019, 10, 1, 0, 0), datetime(2019, 10, 1, 2, 50))
    assert by(con, "select currency, count(*) from events group by 1") == {"USD": 12_101}
    assert scalar(con, "select count(*) from orders") == 150  # purchasing sessions
    assert scalar(con, "select count(*) from events where event_type = 'purchase' and order_id <> session_id") == 0
    assert scalar(con, "select count(*) from products where category is null") == 2_121  # no category_code anywhere


def test_rees46_funnel_counts_are_unchanged_by_the_duplicates(rees46):
    con, _ = rees46
    users = by(con, "select event_type, count(distinct user_id) from events group by 1")
    assert users == {"view": 3_117, "cart": 83, "purchase": 145}


def test_taobao_maps_behaviours_derives_sessions_and_keeps_out_of_range_times():
    con, result = imported(TAOBAO)
    assert result.format == "taobao" and result.rows_read == 4_321
    assert by(con, "select event_type, count(*) from events group by 1") == {
        "view": 3_926,
        "cart": 190,
        "wishlist": 128,
        "purchase": 77,
    }
    assert scalar(con, "select count(*) from users") == 43
    assert scalar(con, "select count(*) from events where session_id is null") == 0
    assert (
        result.notes["sessions_derived_with_30_minute_gaps"]
        == scalar(con, "select count(distinct session_id) from events")
        == 722
    )
    assert result.notes["orders_formed_from_sessions"] == scalar(con, "select count(*) from orders") == 62
    outside = "select count(*) from events where event_time < '2017-11-25' or event_time >= '2017-12-04'"
    assert scalar(con, outside) == 53
    assert scalar(con, "select min(event_time) from events") == datetime(2017, 9, 11, 8, 16, 39)
    # A session never spans a gap of more than 30 minutes.
    gaps = """select max(gap) from (select event_time - lag(event_time) over (partition by session_id
              order by event_time) as gap from events)"""
    assert scalar(con, gaps).total_seconds() <= 30 * 60


def test_online_retail_lines_become_orders_refunds_and_anonymous_revenue():
    con, result = imported(UCI_LINES)
    assert result.rows_read == 8_373
    assert result.notes["stock_adjustment_lines_skipped"] == 30
    # 8,343 lines kept; lines of one invoice with the same product and price merged: 213 fewer.
    assert result.notes["invoice_lines_merged"] == 213
    assert by(con, "select event_type, count(*) from events group by 1") == {"purchase": 8_036, "refund": 94}
    assert scalar(con, "select count(*) from orders") == 389  # invoices; the 39 credit notes are refunds
    assert scalar(con, "select count(*) from users") == 288
    assert by(con, "select currency, count(*) from events group by 1") == {"GBP": 8_130}


def test_online_retail_revenue_reconciles_with_the_raw_lines_in_pandas():
    con, _ = imported(UCI_LINES)
    lines = pd.read_csv(shared_sample(UCI_LINES), encoding="utf-8-sig", dtype={"InvoiceNo": str})
    credit = lines.InvoiceNo.str.startswith("C")
    kept = lines[credit | (lines.Quantity > 0)]
    value = (kept.Quantity * kept.UnitPrice).sum()  # credit-note quantities are negative
    net = scalar(con, "select sum(case event_type when 'refund' then -1 else 1 end * price * quantity) from events")
    assert net == pytest.approx(value, abs=0.01)
    assert net == pytest.approx(166_319.93 - 3_500.44, abs=0.01)
    anonymous = "select sum(price * quantity) from events where user_id is null and event_type = 'purchase'"
    expected = kept[kept.CustomerID.isna() & ~kept.InvoiceNo.str.startswith("C")]
    assert scalar(con, anonymous) == pytest.approx((expected.Quantity * expected.UnitPrice).sum(), abs=0.01)


def test_online_retail_times_are_converted_from_uk_time():
    con, _ = imported(UCI_LINES)
    # December is GMT (= UTC): the first invoice, 2010-12-01 08:26 UK time, stays 08:26.
    assert scalar(con, "select min(event_time) from events where order_id = '536365'") == datetime(2010, 12, 1, 8, 26)
    assert scalar(con, "select user_id from events where order_id = '536365' limit 1") == "17850"


def test_online_retail_invoice_totals_become_one_purchase_per_invoice():
    con, result = imported(UCI_INVOICES)
    assert result.format == "online_retail"
    assert scalar(con, "select count(*) from events where product_id is null and quantity = 1") == 18_532
    assert scalar(con, "select count(*) from orders") == 18_532
    assert scalar(con, "select count(*) from users") == 4_338
    assert scalar(con, "select round(sum(price), 2) from events") == pytest.approx(8_911_407.90, abs=0.01)
    assert con.execute("select min(event_time), max(event_time) from events").fetchone() == (
        datetime(2010, 12, 1),
        datetime(2011, 12, 9),
    )


def test_amazon_reviews_fold_style_variant_copies():
    con, result = imported(AMAZON)
    assert result.format == "amazon_reviews" and result.rows_read == 3_176
    assert scalar(con, "select count(*) from reviews") == 3_087  # 89 copies across style variants folded
    assert scalar(con, "select count(*) from users") == 406
    assert scalar(con, "select count(*) from products") == 31
    assert scalar(con, "select count(*) from reviews where text is null") == 16
    assert con.execute("select min(created_at), max(created_at) from reviews").fetchone() == (
        datetime(2009, 12, 25),
        datetime(2018, 7, 5),
    )
    assert by(con, "select language, count(*) from reviews group by 1") == {"en": 3_087}


def test_womens_clothing_reviews_import_through_a_mapping():
    con, result = imported(WOMENS, "csv", WOMENS_MAPPING)
    assert result.rows_read == 1_000
    assert by(con, "select rating, count(*) from reviews group by 1") == {1: 27, 2: 72, 3: 127, 4: 228, 5: 546}
    assert scalar(con, "select count(*) from reviews where title is null") == 190
    assert scalar(con, "select count(*) from reviews where text is null") == 42
    assert scalar(con, "select count(*) from reviews where user_id is null and created_at is null") == 1_000
    assert scalar(con, "select count(*) from products") == 149
    assert scalar(con, "select category from products where product_id = '767'") == "intimate.intimates"
    assert scalar(con, "select min(review_id) from reviews") == "wcr-0"


@pytest.fixture(scope="module")
def olist():
    con, result = imported(OLIST)
    yield con, result
    con.close()


def test_olist_orders_people_and_reviews_match_the_readme(olist):
    con, result = olist
    assert result.format == "olist"
    assert scalar(con, "select count(*) from orders") == 8_135
    assert scalar(con, "select count(*) from users") == 8_016  # customer_unique_id, not customer_id
    assert by(con, "select status, count(*) from orders group by 1") == {
        "delivered": 5_172,
        "shipped": 1_107,
        "canceled": 625,
        "unavailable": 609,
        "invoiced": 314,
        "processing": 301,
        "created": 5,
        "approved": 2,
    }
    assert scalar(con, "select count(*) from reviews") == 8_191  # 8,225 rows; 34 repeat a review id
    assert scalar(con, "select count(*) from review_orders") == 8_225
    assert scalar(con, "select count(*) from products") == 5_460


def test_olist_items_become_purchases_and_cancelled_orders_refunds(olist):
    con, _ = olist
    purchases = con.execute(
        "select count(*), sum(quantity), round(sum(price * quantity), 2) from events where event_type = 'purchase'"
    ).fetchone()
    assert purchases == (7_606, 8_365, pytest.approx(1_093_264.35))  # every item row, merged per product and price
    refunds = con.execute("select count(*), round(sum(price * quantity), 2) from events where event_type = 'refund'")
    assert refunds.fetchone() == (472, pytest.approx(97_242.96))
    assert scalar(con, "select round(sum(payment_value), 2) from orders") == pytest.approx(1_428_602.81)
    assert by(con, "select currency, count(*) from events group by 1") == {"BRL": 8_078}


def test_olist_reviews_keep_text_scores_and_the_person(olist):
    con, _ = olist
    assert by(con, "select rating, count(*) from reviews group by 1") == {1: 2_627, 2: 380, 3: 664, 4: 1_180, 5: 3_340}
    # 4,113 rows have a message; 4,099 once repeated review ids are folded, of which 4 hold only
    # a line break or a space and are stored as no text.
    assert scalar(con, "select count(*) from reviews where text is not null") == 4_095
    assert scalar(con, "select count(*) from reviews where user_id is null") == 0
    assert by(con, "select language, count(*) from reviews group by 1") == {"pt": 8_191}


def test_olist_times_are_converted_from_brazil_time_and_categories_translated(olist):
    con, _ = olist
    # Purchased 2017-07-09 21:57:05 in Sao Paulo (UTC-3 in July).
    ordered = "select ordered_at from orders where order_id = 'a4591c265e18cb1dcee52889e2d8acc3'"
    assert scalar(con, ordered) == datetime(2017, 7, 10, 0, 57, 5)
    untranslated = by(
        con,
        "select category, count(*) from products where category in "
        "('pc_gamer', 'portateis_cozinha_e_preparadores_de_alimentos') group by 1",
    )
    assert set(untranslated) == {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}
    assert scalar(con, "select count(*) from products where category = 'health_beauty'") > 0
