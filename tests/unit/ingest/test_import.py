"""Import behaviour: appending, the same file twice, duplicates, atomicity, the imports record."""

from __future__ import annotations

import gzip
import json

import pytest

from analytics.core import jobs, warehouse
from analytics.ingest import IngestError, import_file, writer
from analytics.trust.access import Actor, PermissionDenied, Role
from tests.unit.ingest.conftest import BAD, GOOD, table_hashes

HEADER = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"


def write_rees46(path, rows):
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def row(time, kind="view", product="p1", brand="acme", price="10.00", user="u1", session="s1", code="a.b"):
    return f"2020-01-01 {time} UTC,{kind},{product},1,{code},{brand},{price},{user},{session}"


def count(con, table="events"):
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_the_same_file_twice_changes_nothing(con):
    first = import_file(con, GOOD / "rees46_small.csv")
    before = table_hashes(con)
    second = import_file(con, GOOD / "rees46_small.csv")
    assert second.skipped and second.previous_import_id == first.import_id and second.rows_written == 0
    assert table_hashes(con) == before


def test_the_same_events_in_another_file_are_not_stored_again(con, tmp_path):
    import_file(con, GOOD / "rees46_small.csv")
    recompressed = tmp_path / "rees46_small.csv.gz"
    recompressed.write_bytes(gzip.compress((GOOD / "rees46_small.csv").read_bytes()))
    result = import_file(con, recompressed)  # another SHA-256, the same content
    assert not result.skipped and result.written["events"] == 0
    assert result.notes["events_already_stored"] == 6
    assert count(con) == 6 and count(con, "imports") == 2


def test_a_new_file_appends_and_an_overlapping_one_adds_only_its_new_events(con, tmp_path):
    import_file(con, write_rees46(tmp_path / "day1.csv", [row("10:00:00"), row("10:05:00", "cart")]))
    overlap = write_rees46(tmp_path / "day1b.csv", [row("10:05:00", "cart"), row("10:06:00", "purchase")])
    result = import_file(con, overlap)
    assert result.written["events"] == 1 and result.notes["events_already_stored"] == 1
    assert count(con) == 3
    kinds = con.execute("select event_type, import_id from events order by event_time").fetchall()
    assert kinds == [("view", 1), ("cart", 1), ("purchase", 2)]


def test_exact_duplicate_rows_in_a_file_are_stored_once(con, tmp_path):
    path = write_rees46(tmp_path / "dupes.csv", [row("10:00:00"), row("10:00:00"), row("10:00:01")])
    result = import_file(con, path)
    assert result.notes["duplicate_events_in_file"] == 1 and count(con) == 2


def test_a_failure_while_writing_rolls_back_everything(con, monkeypatch):
    import_file(con, GOOD / "reviews_small.csv", "csv", GOOD / "reviews_small.toml")
    before = table_hashes(con)
    real = writer.record

    def broken_record(*args, **kwargs):
        real(*args, **kwargs)  # events, products, users and the imports row are written ...
        raise OSError("disk full")  # ... and then the write fails

    monkeypatch.setattr(writer, "record", broken_record)
    with pytest.raises(OSError, match="disk full"):
        import_file(con, GOOD / "rees46_small.csv")
    assert table_hashes(con) == before


def test_known_products_get_missing_attributes_but_keep_their_own(con, tmp_path):
    import_file(con, write_rees46(tmp_path / "a.csv", [row("10:00:00", brand="", code="")]))
    import_file(con, write_rees46(tmp_path / "b.csv", [row("11:00:00", brand="acme", code="kitchen.pots")]))
    import_file(con, write_rees46(tmp_path / "c.csv", [row("12:00:00", brand="other", code="garden.pots")]))
    assert con.execute("select brand, category from products").fetchall() == [("acme", "kitchen.pots")]


def test_a_user_first_seen_in_an_earlier_file_moves_back(con, tmp_path):
    import_file(con, write_rees46(tmp_path / "later.csv", [row("12:00:00")]))
    import_file(con, write_rees46(tmp_path / "earlier.csv", [row("08:00:00")]))
    first_seen = con.execute("select first_seen::varchar from users where user_id = 'u1'").fetchone()[0]
    assert first_seen == "2020-01-01 08:00:00"


def test_the_imports_row_records_file_hash_counts_actor_and_notes(con):
    result = import_file(con, GOOD / "olist_small", actor=Actor("ana@example.com", Role.ADMIN))
    record = con.execute("select * from imports").df().iloc[0]
    assert record.source_format == "olist" and record.file_name == "olist_small"
    assert record.file_sha256 == result.file_sha256 and len(record.file_sha256) == 64
    assert record.rows_read == 15 and record.rows_written == result.rows_written == sum(result.written.values())
    assert record.actor == "ana@example.com"
    notes = json.loads(record.notes)
    assert notes["currency"] == "BRL" and notes["order_items_merged"] == 1 and notes["detected_format"] is True


def test_an_actor_without_the_import_permission_is_refused_before_reading(con):
    with pytest.raises(PermissionDenied):
        import_file(con, GOOD / "rees46_small.csv", actor=Actor("viewer", Role.MARKETER))
    assert count(con, "imports") == 0


def test_olist_small_maps_quantities_refunds_and_review_links(con):
    import_file(con, GOOD / "olist_small")
    events = con.execute("select event_type, quantity, price from events order by event_type, price").fetchall()
    assert events == [("purchase", 2, 59.9), ("purchase", 1, 120.0), ("refund", 1, 120.0)]
    assert count(con, "users") == 1  # two customer_ids, one customer_unique_id
    order = con.execute(
        "select items_value, freight_value, payment_value, payment_types from orders where order_id like '%1'"
    ).fetchone()
    assert order == (119.8, 24.6, 144.4, "credit_card")
    text = con.execute("select text from reviews where rating = 5").fetchone()[0]
    assert text == "Chegou antes do prazo,\nrecomendo"  # a line break inside a quoted field survives


def test_taobao_without_header_is_detected_and_purchases_form_an_order_per_session(con):
    result = import_file(con, GOOD / "taobao_small.csv")
    assert result.format == "taobao"
    assert con.execute("select count(*), count(distinct session_id) from events where user_id = '7001'").fetchone() == (
        3,
        1,
    )
    order = con.execute("select order_id, session_id from events where event_type = 'purchase'").fetchone()
    assert order[0] == order[1] == "7001-20171125085320"  # user and first second (1511600000) of the session


def test_a_format_that_does_not_fit_the_file_says_what_is_missing(con):
    with pytest.raises(IngestError, match=r"rees46_small.csv, line 1: expected a file in the online_retail format, "
                       r"found a file in the rees46 format: choose that format"):  # fmt: skip
        import_file(con, GOOD / "rees46_small.csv", "online_retail")
    # Not a format at all, and none of the columns nearly there: the file's own header is not repeated.
    with pytest.raises(IngestError, match=r"system_file.csv, line 1: expected the columns event_time, event_type, .*"
                       r"found a first line with none of them \(1 field\)"):  # fmt: skip
        import_file(con, BAD / "system_file.csv", "rees46")
    with pytest.raises(IngestError, match="the folder that holds the olist files"):
        import_file(con, GOOD / "rees46_small.csv", "olist")


def test_an_import_job_publishes_a_snapshot_and_reports_progress(settings):
    result = jobs.run_job(settings, "import", lambda ctx: import_file(ctx, GOOD / "amazon_small.jsonl").summary())
    assert result.status == "done" and result.summary["written"]["reviews"] == 2
    job = jobs.get_job(settings, result.job_id)
    assert job["progress_done"] == 100 and job["message"] == "finished"
    reader = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        assert reader.execute("select count(*) from reviews").fetchone()[0] == 2
    finally:
        reader.close()
