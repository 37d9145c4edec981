"""Campaign studio on a small segmented demo shop, with the real offline copy model."""

from datetime import date, timedelta

import pytest

from analytics.campaigns import drafts, recommend, studio
from analytics.core import warehouse
from tests.app.conftest import make_app


def _page(settings, **extra):
    at = make_app(settings, "campaigns", **extra)
    at.run()
    assert not at.exception, at.exception
    return at


def _expected_products(settings) -> dict[int, object]:
    """recommend.segment_products of every targetable segment of the latest run, as the page asks."""
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        targets = studio.segments(con, settings)
        run_id = int(targets["run_id"].iloc[0])
        return {
            int(s): recommend.segment_products(con, run_id, int(s), min_support=settings.min_group_size)
            for s in targets["segment_id"]
        }
    finally:
        con.close()


def test_page_lists_segments_and_products_with_reasons(segmented):
    # Every segment of at least the minimum size gets products: by its own lift where enough of
    # its users bought or carted them, else from the fallback evidence, which the reason names.
    settings = segmented.with_overrides(min_group_size=5)
    expected = _expected_products(settings)
    assert all(not products.empty for products in expected.values()), {s: len(p) for s, p in expected.items()}
    at = _page(segmented, min_group_size=5)
    picker = at.selectbox(key="camp_segment")
    assert len(picker.options) == len(expected)

    for segment, want in expected.items():
        at.selectbox(key="camp_segment").set_value(segment).run()
        assert not at.exception, at.exception
        shown = next(t.value for t in at.dataframe if "reason" in t.value.columns)
        assert shown["title"].tolist() == want["title"].tolist(), segment
        assert shown["reason"].tolist() == want["reason"].tolist(), segment
        assert shown["reason"].str.contains("this segment").all(), segment


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
