"""The one masker (analytics.trust.privacy.mask_pii) on the formats people really write, wherever
text is shown or stored as a message. The promises are written in the README's Security section."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analytics.core import appstate, jobs
from analytics.ingest import validate
from analytics.trust import export, privacy
from tests.unit.doc_text import bullet


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111.1111.1111.1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",  # American Express: 4-6-5
        "6011-0009-9013-9424",
    ],
)
def test_card_numbers_with_spaces_dashes_or_dots_are_masked_whole(card):
    assert privacy.mask_pii(f"paid with {card} yesterday") == "paid with [card] yesterday"


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (555) 123-4567",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+49 30 12345678",
        "+33 1 23 45 67 89",
        "+81 3-1234-5678",
        "+86 138 0013 8000",
        "+91 98765 43210",
        "+7 495 123-45-67",
        "+55 11 91234-5678",
        "+61 2 9876 5432",
        "0044 20 7946 0958",
        "(+351) 912 345 678",
        "(555) 123-4567",
        "555.123.4567",
    ],
)
def test_international_phone_numbers_are_masked_whole(phone):
    assert privacy.mask_pii(f"call {phone} after 5") == "call [phone] after 5"


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe+shop@example.co.uk",
        "JOHN at example dot com",
        "john AT example DOT com",
        "john [at] example [dot] com",
        "john(at)example(dot)com",
        "jane.doe {at} mail {dot} co {dot} uk",
        "john <at> example.com",
        "john [at] example.com",
        "john @ example.com",
        "john at mail dot example dot org",
    ],
)
def test_plain_and_obfuscated_email_addresses_are_masked(email):
    assert privacy.mask_pii(f"write to {email}, thanks") == "write to [email], thanks"


@pytest.mark.parametrize(
    "text",
    [
        "size 38, paid $129.99 in 2024, 3 stars",
        "I looked at it twice and it was great",
        "arrived at 5 on the dot",
        "love the polka dot print",
        "I was at home dot in bed all day",
        "shipped at home, the dot matrix printer works",
        "2019-11-03 11:15:00",
        "delivered 03.11.2019 at noon",
        "order 12345 arrived",
        "512345678",
        "paid 1234567.89 in total",
        "session 0b6a7c2e-1111-4a4a-9a9a-000000000001",
        "latitude -23.548945985189434",
    ],
)
def test_ordinary_text_numbers_dates_and_ids_are_left_alone(text):
    assert privacy.mask_pii(text) == text


def test_a_quoted_value_that_is_only_digits_is_an_id_as_in_a_cell_of_its_own():
    # Error messages quote the cell they found; masking the message again must keep the id findable.
    assert privacy.mask_pii("found '1511600000000'") == "found '1511600000000'"
    assert privacy.mask_pii('user "512345678" twice') == 'user "512345678" twice'
    assert privacy.mask_pii("text me 5551234567 tonight") == "text me [phone] tonight"


@pytest.mark.parametrize(
    "text",
    [
        "card 4111.1111.1111.1111, phone +1 (555) 123-4567, mail JOHN at example dot com",
        "found '4111 1111 1111 1111' on line 3",
        "found '+44 20 7946 0958'",
    ],
)
def test_masking_is_idempotent(text):
    once = privacy.mask_pii(text)
    assert privacy.mask_pii(once) == once
    assert not re.search(r"\d{4}", once) and "JOHN" not in once


@pytest.mark.timeout(60)  # a hang guard: quadratic backtracking took hours on this, linear takes milliseconds
def test_masking_a_long_text_without_spaces_returns():
    blob = "a" * 300_000 + "@"
    assert privacy.mask_pii(blob) == blob


def test_error_values_are_masked_and_cut_to_a_short_preview():
    assert validate.describe("4111 1111 1111 1111") == "'[card]'"
    assert validate.describe("+1 (555) 123-4567") == "'[phone]'"
    assert validate.describe("JOHN at example dot com") == "'[email]'"
    long = "call +44 20 7946 0958 " + "x" * 200
    shown = validate.describe(long)
    assert shown.startswith("a 222-character value starting 'call [phone] xxx") and shown.endswith("…'")
    assert len(shown) < 120 and "7946" not in shown


def test_job_errors_are_masked_where_they_are_stored(settings):
    def fail(ctx):
        raise ValueError("customer 4111 1111 1111 1111, +44 20 7946 0958, JOHN at example dot com")

    result = jobs.run_job(settings, "noop", fail)
    stored = jobs.get_job(settings, result.job_id)
    for column in ("error", "message"):
        assert "[card]" in stored[column] and "[phone]" in stored[column] and "[email]" in stored[column]
        assert "4111" not in stored[column] and "7946" not in stored[column] and "JOHN" not in stored[column]


def test_exports_mask_every_text_column_with_the_same_masker():
    df = pd.DataFrame({"note": ["4111.1111.1111.1111", "JOHN at example dot com", "+7 495 123-45-67"]})
    assert export.safe_text(df)["note"].tolist() == ["[card]", "[email]", "[phone]"]


def test_audit_details_are_masked_where_they_are_stored(settings):
    offer = {"offer": "Call +7 495 123-45-67 or JOHN at example dot com", "segments": [3, "4111 1111 1111 1111"]}
    appstate.record_audit(settings, "planner@shop.test", "editor", "draft", "draft 1", **offer, rows=42)
    entry = appstate.read_audit(settings)[0]
    stored = json.loads(entry["details"])
    assert stored == {"offer": "Call [phone] or [email]", "segments": [3, "[card]"], "rows": 42}
    assert entry["actor"] == "planner@shop.test"  # who acted stays known


def test_audit_entries_exported_are_masked(settings):
    appstate.record_audit(settings, "cli", "cli", "import", "job 1", path="/data/4111.1111.1111.1111.csv")
    table = pd.DataFrame(appstate.read_audit(settings))
    assert "[card]" in export.safe_text(table)["details"].iloc[0]


# -- the docs state exactly what is tested ---------------------------------------------------------
def test_every_example_in_the_readme_personal_data_promise_is_masked():
    examples = re.findall(r"`([^`]+)`", bullet("README.md", "Personal data."))
    examples = [e for e in examples if e not in ("[email]", "[phone]", "[card]", "analytics/trust/privacy.py", "jobs")]
    assert len(examples) >= 10
    for example in examples:
        assert privacy.mask_pii(f"see {example} now") in {f"see {t} now" for t in ("[email]", "[phone]", "[card]")}, (
            example
        )
