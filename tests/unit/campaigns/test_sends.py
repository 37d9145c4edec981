"""Send logs: imported through the importer framework, every bad case named by line, nothing half-written."""

from __future__ import annotations

import pytest

from analytics.ingest import IngestError, describe, import_file, preview_file
from tests.unit.campaigns import support

SENT = "2026-10-01 08:30:00"


@pytest.fixture
def shop():
    con = support.tiny_shop()
    support.make_plan(con)
    yield con
    con.close()


def _counts(con) -> tuple[int, ...]:
    return con.execute(
        "select (select count(*) from campaign_sends), (select count(*) from imports), (select count(*) from events)"
    ).fetchone()


def _refused(con, path, *fragments: str) -> str:
    before = _counts(con)
    with pytest.raises(IngestError) as caught:
        import_file(con, path, "sends")
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "Nothing was imported" in message or "nothing was imported" in message
    assert _counts(con) == before  # nothing half-written
    return message


def test_a_send_log_is_imported_and_detected_by_its_header(shop, tmp_path):
    arms = support.arms(shop)
    rows = [(u, "Autumn test", "A", SENT) for u in arms["A"]] + [(u, "1", "B", SENT) for u in arms["B"]]
    result = import_file(shop, support.send_log(tmp_path / "sends.csv", rows))
    assert result.format == "sends"
    assert result.written["campaign_sends"] == len(arms["A"]) + len(arms["B"])
    stored = shop.execute("select variant, count(*) from campaign_sends group by variant order by variant").fetchall()
    assert stored == [("A", len(arms["A"])), ("B", len(arms["B"]))]
    assert "notes" in result.summary() and "warnings" not in result.notes


def test_a_variant_may_be_named_by_its_draft_id_and_unsubscribes_are_kept(shop, tmp_path):
    user = support.arms(shop)["B"][0]
    header = "user_id,campaign,variant,sent_at,unsubscribed_at\n"
    path = support.send_log(tmp_path / "s.csv", [(user, "Autumn test", "102", SENT, "2026-10-02T10:00:00Z")], header)
    import_file(shop, path, "sends")
    assert shop.execute("select variant, unsubscribed_at is not null from campaign_sends").fetchall() == [("B", True)]


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (("{A}", "Spring sale", "A", SENT), ["line 2", "column 'campaign'", "'Spring sale'", "campaign plan"]),
        (("u9999", "Autumn test", "A", SENT), ["line 2", "column 'user_id'", "'u9999'", "a user the warehouse knows"]),
        (("u0003", "Autumn test", "A", SENT), ["line 2", "'u0003 (campaign 1)'", "declined marketing"]),
        (("{A}", "Autumn test", "C", SENT), ["line 2", "column 'variant'", "'C'"]),
        (
            ("{A}", "Autumn test", "A", "2026-09-29 08:00:00"),
            ["column 'sent_at'", "'2026-09-29 08:00:00 < planned 2026-09-30 12:00:00'"],
        ),
        (("{A}", "Autumn test", "A", "yesterday"), ["column 'sent_at'", "a time like '2026-10-01 08:30:00'"]),
        (("{A}", "Autumn test", "", SENT), ["column 'variant'", "expected a value"]),
        (("{A}", "=HYPERLINK(1)", "A", SENT), ["column 'campaign'", "not a spreadsheet formula"]),
    ],
    ids=[
        "unknown campaign",
        "unknown user",
        "not in plan",
        "unknown variant",
        "before the plan",
        "bad time",
        "empty variant",
        "formula",
    ],  # fmt: skip
)
def test_each_bad_row_is_named(shop, tmp_path, row, fragments):
    user = support.arms(shop)["A"][0]
    good = (support.arms(shop)["A"][1], "Autumn test", "A", SENT)
    row = tuple(value.replace("{A}", user) for value in row)
    _refused(shop, support.send_log(tmp_path / "bad.csv", [row, good]), *fragments)


def test_a_user_sent_twice_in_one_file_names_both_lines(shop, tmp_path):
    user = support.arms(shop)["A"][0]
    other = support.arms(shop)["A"][1]
    rows = [(user, "Autumn test", "A", SENT), (other, "Autumn test", "A", SENT), (user, "Autumn test", "A", SENT)]
    _refused(shop, support.send_log(tmp_path / "dup.csv", rows), "line 4", "already on line 2", "each user once")


def test_an_unsubscribe_before_its_send_is_refused(shop, tmp_path):
    user = support.arms(shop)["A"][0]
    header = "user_id,campaign,variant,sent_at,unsubscribed_at\n"
    rows = [(user, "Autumn test", "A", SENT, "2026-10-01 08:00:00")]
    _refused(
        shop, support.send_log(tmp_path / "u.csv", rows, header), "column 'unsubscribed_at'", "at or after its send"
    )


def test_a_second_send_to_a_user_in_a_later_file_is_refused_an_identical_one_skipped(shop, tmp_path):
    user = support.arms(shop)["A"][0]
    import_file(shop, support.send_log(tmp_path / "first.csv", [(user, "Autumn test", "A", SENT)]), "sends")
    later = support.send_log(tmp_path / "later.csv", [(user, "Autumn test", "A", "2026-10-03 09:00:00")])
    _refused(shop, later, "one send per user and campaign", f"'{user} (already sent A at 2026-10-01 08:30:00)'")
    same = support.send_log(tmp_path / "same.csv", [(user, " Autumn test ", "A", SENT)])  # other bytes, same send
    result = import_file(shop, same, "sends")
    assert result.written["campaign_sends"] == 0 and result.notes["sends_already_stored"] == 1


def test_sends_that_are_data_not_mistakes_are_imported_with_labelled_warnings(shop, tmp_path):
    arms = support.arms(shop)
    rows = [
        (arms["A"][0], "Autumn test", "A", SENT),
        (arms["holdout"][0], "Autumn test", "A", SENT),  # a holdout user was sent after all
        (arms["B"][0], "Autumn test", "A", SENT),  # drawn B, sent A
        (arms["A"][1], "Autumn test", "A", "2026-10-20 08:00:00"),  # after the window (ends 10-14)
    ]
    result = import_file(shop, support.send_log(tmp_path / "mixed.csv", rows), "sends")
    assert result.written["campaign_sends"] == 4
    assert (result.notes["holdout_sent"], result.notes["other_variant"], result.notes["after_window"]) == (1, 1, 1)
    warnings = "\n".join(result.notes["warnings"])
    expected = (
        "1 sends to holdout users (they stay in the holdout: results compare arms as drawn); "
        f"the first on line 3: {arms['holdout'][0]} (drawn holdout, sent A)"
    )
    assert expected in warnings
    assert "another variant than the one drawn" in warnings and "after the window ended on 2026-10-14" in warnings
    assert "warning: 1 sends to holdout users" in describe(result.summary())


def test_missing_columns_are_named(shop, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("user_id,campaign,sent_at\nu0001,Autumn test,2026-10-01 08:30:00\n")
    _refused(shop, path, "a column named 'variant'")


def test_the_preview_checks_the_file_and_says_what_it_holds(shop, tmp_path):
    user = support.arms(shop)["A"][0]
    good = support.send_log(tmp_path / "good.csv", [(user, "Autumn test", "A", SENT)])
    preview = preview_file(good)
    assert preview.ok and preview.format == "sends" and preview.notes["sends_in_file"] == 1
    assert preview.counts["campaign_sends"] == 1 and preview.counts["events"] == 0
    assert list(preview.samples["campaign_sends"]["user_id"]) == [user]
    duplicated = support.send_log(tmp_path / "dup.csv", [(user, "Autumn test", "A", SENT)] * 2)
    assert "each user once per campaign" in preview_file(duplicated, "sends").error
