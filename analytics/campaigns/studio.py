"""Campaign studio: what a segment's campaign is grounded in, copy written for it, drafts kept.

The page and the ``draft`` command both go through here, so the role check, the grounding, the
rule checks and the audit are the same wherever a campaign is drafted. Segment facts come from
the segmentation run's profile, products from analytics.campaigns.recommend, and what customers wrote from
their reviews (untrusted text: masked here, quoted as data by the copy writer).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from analytics.campaigns import drafts, recommend
from analytics.campaigns.copy_rules import Brief, Check, Offer, check_copy
from analytics.campaigns.copywriter import CopyResult, CopyWriter, Grounding
from analytics.core import queries
from analytics.segments import views as segment_views
from analytics.trust import privacy
from analytics.trust.access import Actor, require
from models.settings import Settings

FEATURED_PRODUCTS = 5  # products named in a prompt: enough to choose from, few enough for a small model
SNIPPETS = 3


class CampaignError(ValueError):
    """A campaign cannot be drafted as asked (unknown or too small segment, no run)."""


@dataclass(frozen=True)
class SegmentContext:
    """One segment of one run, with everything a campaign for it is grounded in."""

    run_id: int
    segment_id: int
    name: str
    count_users: int
    facts: tuple[str, ...]
    products: pd.DataFrame  # recommend.segment_products columns
    snippets: tuple[str, ...]

    def grounding(self) -> Grounding:
        featured = self.products.head(FEATURED_PRODUCTS)
        return Grounding(
            segment_name=self.name,
            segment_facts=self.facts,
            products=tuple(zip(featured["title"], featured["reason"], strict=True)),
            snippets=self.snippets,
        )


def segments(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: int | None = None) -> pd.DataFrame:
    """The segments a campaign may target: ``run_id, segment_id, name, count_users`` of the given
    (default: latest complete) run, without those under ``min_group_size`` users."""
    run_id = _run_id(con, run_id)
    profiles = segment_views.run_profiles(con, run_id)
    shown = profiles[profiles["count_users"] >= settings.min_group_size]
    return shown[["segment_id", "name", "count_users"]].assign(run_id=run_id).reset_index(drop=True)


def segment_context(
    con: duckdb.DuckDBPyConnection, settings: Settings, segment_id: int, run_id: int | None = None
) -> SegmentContext:
    run_id = _run_id(con, run_id)
    profiles = segment_views.run_profiles(con, run_id)
    match = profiles[profiles["segment_id"] == segment_id]
    if match.empty:
        known = ", ".join(str(int(s)) for s in profiles["segment_id"])
        raise CampaignError(f"segment {segment_id} is not in segmentation run {run_id} (segments: {known})")
    profile = match.iloc[0]
    if profile["count_users"] < settings.min_group_size:
        raise CampaignError(
            f"segment {segment_id} has {profile['count_users']} users, under the minimum group size "
            f"({settings.min_group_size}); it is shown as part of 'Other' and cannot be targeted alone"
        )
    products = recommend.segment_products(con, run_id, segment_id, min_support=settings.min_group_size)
    snippets = queries.frame(
        con, "segment_review_snippets", {"run_id": run_id, "segment_id": segment_id, "limit": SNIPPETS}
    )["text"]
    return SegmentContext(
        run_id=run_id,
        segment_id=int(segment_id),
        name=str(profile["name"]),
        count_users=int(profile["count_users"]),
        facts=tuple(segment_facts(profile)),
        products=products,
        snippets=tuple(privacy.mask_pii(text) for text in snippets),
    )


def segment_facts(profile: pd.Series) -> list[str]:
    """Plain sentences about a segment for the prompt: its description and what it buys."""
    facts = [s.strip() + "." for s in str(profile.get("description") or "").split(".") if s.strip()]
    for label, column in (("Favourite categories", "top_categories"), ("Favourite brands", "top_brands")):
        values = [top["value"] for top in (profile.get(column) or [])[:3]]
        if values:
            facts.append(f"{label}: {', '.join(values)}.")
    return facts


def load_writer(settings: Settings) -> CopyWriter:
    """The copy writer of these settings, loaded (seconds on a CPU: keep it to write again)."""
    return CopyWriter(settings).load()


def write(
    settings: Settings,
    actor: Actor,
    brief: Brief,
    context: SegmentContext,
    *,
    writer: CopyWriter | None = None,
    **options: Any,
) -> CopyResult:
    """Copy variants for the brief, checked; refused unless the actor may draft campaigns.

    ``writer`` is a loaded writer to reuse (the dashboard keeps one per server); without it the
    settings' copy model is loaded for this call, once per ``draft`` command.
    """
    require(actor, "draft_campaign")
    return (writer or load_writer(settings)).generate(brief, context.grounding(), **options)


def keep(settings: Settings, actor: Actor, brief: Brief, context: SegmentContext, result: CopyResult, rank: int) -> int:
    """Save shown variant ``rank`` (0-based) of a result as a draft; returns the draft id."""
    variant = result.variants[rank]
    return drafts.save(
        settings,
        actor,
        drafts.NewDraft(
            run_id=context.run_id,
            segment_id=context.segment_id,
            segment_name=context.name,
            channel=brief.channel,
            brief={**brief_to_dict(brief), "grounding": dataclasses.asdict(context.grounding())},
            model=result.model,
            variant=rank + 1,
            text=variant.text,
            checks=checks_dict(variant.checks),
        ),
    )


def edit(settings: Settings, actor: Actor, draft_id: int, text: str) -> dict[str, dict[str, Any]]:
    """Replace a draft's text after checking it against its brief's rules; returns the checks."""
    require(actor, "draft_campaign")
    stored = drafts.get(settings, draft_id)["brief"]
    checks = checks_dict(check_copy(text, brief_from_dict(stored), grounding_from_dict(stored.get("grounding"))))
    drafts.update_text(settings, actor, draft_id, text, checks)
    return checks


def checks_dict(checks: list[Check]) -> dict[str, dict[str, Any]]:
    return {check.name: {"passed": bool(check.passed), "detail": check.detail} for check in checks}


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    return dataclasses.asdict(brief)


def brief_from_dict(data: dict[str, Any]) -> Brief:
    """The brief stored with a draft (``brief_to_dict`` after a JSON round trip)."""
    data = {k: v for k, v in data.items() if k != "grounding"}
    offer = dict(data["offer"])
    if offer.get("end_date"):
        offer["end_date"] = date.fromisoformat(str(offer["end_date"]))
    fields = {**data, "offer": Offer(**offer)}
    for name in ("avoid_words", "required_phrases"):
        fields[name] = tuple(fields.get(name) or ())
    return Brief(**fields)


def grounding_from_dict(data: dict[str, Any] | None) -> Grounding | None:
    """The grounding stored with a draft, so an edit is checked against the same products and snippets."""
    if not data:
        return None
    return Grounding(
        segment_name=data["segment_name"],
        segment_facts=tuple(data["segment_facts"]),
        products=tuple(tuple(p) for p in data["products"]),
        snippets=tuple(data["snippets"]),
    )


def _run_id(con: duckdb.DuckDBPyConnection, run_id: int | None) -> int:
    if run_id is not None:
        return int(run_id)
    run = segment_views.latest_run(con)
    if run is None:
        raise CampaignError("there are no segments yet: run `python -m analytics segment` first")
    return int(run["run_id"])
