"""The Campaign studio loads the copy model once per server, whichever session asks for copy."""

from datetime import date, timedelta

import pytest

from analytics.campaigns import copywriter
from dashboard.components import campaigns as widgets
from tests.app.conftest import make_app


def _write_copy(settings) -> None:
    at = make_app(settings, "campaigns")
    at.run()
    ends = (date.today() + timedelta(days=20)).isoformat()
    at.selectbox(key="camp_ch").set_value("email_subject")
    at.text_input(key="camp_offer").input(f"20% off until {ends} with code SNOW20")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    assert any("raw compliance" in c.value for c in at.caption)  # a result was shown
    assert any("are the team's channel patterns" in i.value for i in at.info)  # and who wrote what


@pytest.mark.slow
def test_two_sessions_writing_copy_load_the_model_once(segmented, monkeypatch):
    loads = []
    real_load = copywriter.load_causal_lm
    monkeypatch.setattr(copywriter, "load_causal_lm", lambda *a, **kw: loads.append(a) or real_load(*a, **kw))
    widgets.copy_writer.clear()  # another test of this process may have loaded it already
    _write_copy(segmented)
    _write_copy(segmented)
    assert len(loads) == 1
