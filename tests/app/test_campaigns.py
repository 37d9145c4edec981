"""Campaign studio on a small segmented demo shop, with the real offline copy model."""

from datetime import date, timedelta

import pytest

from analytics.campaigns import drafts
from tests.app.conftest import make_app


def _page(settings, **extra):
    at = make_app(settings, "campaigns", **extra)
    at.run()
    assert not at.exception, at.exception
    return at


def test_page_lists_segments_and_products_with_reasons(segmented):
    at = _page(segmented)
    assert at.selectbox(key="camp_segment").options
    tables = [t.value for t in at.dataframe]
    products = next((t for t in tables if "reason" in t.columns), None)
    if products is not None:  # a small segment may have no product above the minimum support
        assert (products["Segment users"] >= segmented.min_group_size).all()
        assert products["reason"].str.contains("this segment").all()


def test_a_bad_brief_names_the_field(segmented):
    at = _page(segmented)
    at.text_input(key="camp_code").input("no spaces allowed!")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("code" in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.slow
def test_real_model_writes_checked_variants_that_can_be_saved_and_approved(segmented):
    at = _page(segmented)
    ends = (date.today() + timedelta(days=20)).isoformat()
    at.selectbox(key="camp_ch").set_value("email_subject")
    at.text_input(key="camp_offer").input(f"20% off until {ends} with code SNOW20")
    at.button[0].click().run()
    assert not at.exception, at.exception
    texts = [t.value for t in at.text]
    shown = [t for t in texts if "SNOW20" in t]
    assert shown, texts
    assert all(len(t) <= 60 and "20%" in t for t in shown)
    at.button(key="camp_keep_0").click().run()
    assert not at.exception, at.exception
    listing = drafts.listing(segmented)
    assert len(listing) == 1 and "SNOW20" in listing.loc[0, "text"]
    at.button(key="camp_draft_approve").click().run()
    assert drafts.get(segmented, int(listing.loc[0, "draft_id"]))["status"] == "approved"
