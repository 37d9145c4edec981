"""Generic CSV mappings: reading them, their mistakes, and events mapped from any export."""

from __future__ import annotations

from datetime import datetime

import pytest

from analytics.ingest import IngestError, import_file, load_mapping
from tests.conftest import ROOT
from tests.unit.ingest.conftest import GOOD

EVENTS_MAPPING = """
table = "events"
time_format = "%d.%m.%Y %H:%M"
timezone = "Europe/Berlin"

[columns]
event_time = "Zeit"
event_type = "Aktion"
user_id = "Kunde"
product_id = "Artikel"
price = "Preis"
order_id = "Bestellung"

[constants]
currency = "EUR"

[products]
title = "Name"
category = ["Bereich", "Gruppe"]

[event_types]
angesehen = "view"
warenkorb = "cart"
gekauft = "purchase"
"""
EVENTS_CSV = """Zeit,Aktion,Kunde,Artikel,Preis,Bestellung,Name,Bereich,Gruppe
01.07.2023 10:00,angesehen,k1,a1,19.90,,Teekanne,Küche,Kannen
01.07.2023 10:02,warenkorb,k1,a1,19.90,,Teekanne,Küche,Kannen
01.07.2023 10:03,gekauft,k1,a1,19.90,B-1,Teekanne,Küche,Kannen
01.07.2023 12:00,angesehen,k1,a2,5.00,,Tasse,Küche,Tassen
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_womens_reviews_mapping_reads():
    mapping = load_mapping(ROOT / "docs" / "mappings" / "womens_clothing_reviews.toml")
    assert mapping.table == "reviews" and mapping.columns["text"] == "Review Text"
    assert mapping.products == {"category": ("Department Name", "Class Name")}
    assert mapping.source_columns()[-2:] == ["Department Name", "Class Name"]


def test_events_from_any_export_are_translated_converted_to_utc_and_sessioned(con, tmp_path):
    mapping = write(tmp_path, "shop.toml", EVENTS_MAPPING)
    import_file(con, write(tmp_path, "shop.csv", EVENTS_CSV), "csv", mapping)
    rows = con.execute(
        "select event_time, event_type, quantity, currency, session_id from events order by event_time"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        (datetime(2023, 7, 1, 8, 0), "view", None, "EUR"),  # 10:00 in Berlin summer time is 08:00 UTC
        (datetime(2023, 7, 1, 8, 2), "cart", 1, "EUR"),
        (datetime(2023, 7, 1, 8, 3), "purchase", 1, "EUR"),
        (datetime(2023, 7, 1, 10, 0), "view", None, "EUR"),
    ]
    assert len({r[4] for r in rows[:3]}) == 1 and rows[3][4] != rows[0][4]  # a 2-hour gap starts a new session
    assert con.execute("select title, category from products where product_id = 'a1'").fetchone() == (
        "Teekanne",
        "küche.kannen",
    )
    assert con.execute("select order_id, items_value from orders").fetchall() == [("B-1", 19.9)]


def test_an_event_name_the_mapping_does_not_translate_is_refused(con, tmp_path):
    mapping = write(tmp_path, "shop.toml", EVENTS_MAPPING)
    data = write(tmp_path, "shop.csv", EVENTS_CSV.replace("gekauft", "bezahlt"))
    with pytest.raises(
        IngestError, match=r"shop.csv, line 4, column 'Aktion': expected one of view, .*found 'bezahlt'"
    ):
        import_file(con, data, "csv", mapping)


def test_an_order_with_two_customers_is_a_conflict(con, tmp_path):
    mapping = write(tmp_path, "shop.toml", EVENTS_MAPPING)
    text = EVENTS_CSV + "01.07.2023 13:00,gekauft,k2,a2,5.00,B-1,Tasse,Küche,Tassen\n"
    with pytest.raises(IngestError, match="'B-1' on line 4 and on line 6 with different 'Kunde'"):
        import_file(con, write(tmp_path, "shop.csv", text), "csv", mapping)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('table = "events"', 'table = "orders"'), "column 'table': expected one of events, reviews, found orders"),
        (('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"'), "column 'timezone': expected a time zone name"),
        (('currency = "EUR"', 'device = "EUR"\ncurrency = "EUR"\nlanguage = "de"'), "column 'constants.language'"),
        (('warenkorb = "cart"', 'warenkorb = "basket"'), "column 'event_types.warenkorb': expected one of view"),
        (('event_time = "Zeit"', ""), "column 'columns.event_time': expected a source column for events.event_time"),
        (('table = "events"', 'colour = "red"\ntable = "events"'), "column 'colour': expected one of the keys table"),
    ],
)
def test_mapping_mistakes_name_the_file_and_key(tmp_path, change, message):
    path = write(tmp_path, "shop.toml", EVENTS_MAPPING.replace(*change))
    with pytest.raises(IngestError, match=message):
        load_mapping(path)


def test_a_json_mapping_works_like_toml(con, tmp_path):
    mapping = write(tmp_path, "m.json", '{"table": "reviews", "columns": {"product_id": "product", "rating": "stars"}}')
    result = import_file(con, GOOD / "reviews_small.csv", "csv", mapping)
    assert result.written["reviews"] == 3
    assert con.execute("select count(*) from reviews where review_id like 'row-%'").fetchone()[0] == 3


def test_a_generic_csv_without_a_mapping_is_refused(con):
    with pytest.raises(IngestError, match="expected a column mapping for a generic CSV"):
        import_file(con, GOOD / "reviews_small.csv", "csv")
