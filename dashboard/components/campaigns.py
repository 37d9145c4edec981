"""Campaign studio widgets: segment picker, products with reasons, brief form, variant cards, drafts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.campaigns import drafts
from analytics.campaigns import studio as campaigns
from analytics.campaigns.copy_rules import CHANNELS, LANGUAGES, TONES, Brief, BriefError, parse_offer, validate_brief
from analytics.campaigns.copywriter import CopyWriter
from analytics.campaigns.studio import SegmentContext
from analytics.trust.access import Actor, PermissionDenied
from dashboard.components import data, trust
from models.settings import Settings

RESULT_KEY = "camp_result"  # session state: the last result with its brief and segment


def segment_targets(settings: Settings) -> pd.DataFrame | None:
    """Segments of the latest run a campaign may target, or None before the first run."""
    try:
        return data.cached(campaigns.segments, settings)
    except campaigns.CampaignError:
        return None


def segment_picker(targets: pd.DataFrame) -> int:
    names = {int(r.segment_id): f"{r.name} ({r.count_users:,} users)" for r in targets.itertuples()}
    run_id = int(targets["run_id"].iloc[0])
    return st.selectbox(f"Segment (segmentation run {run_id})", list(names), format_func=names.get, key="camp_segment")


def products(context: SegmentContext, min_users: int) -> None:
    if context.products.empty:
        st.info(
            f"No product was bought or carted by at least {min_users} users of this segment; "
            "the copy will rely on the segment's profile alone."
        )
        return
    table = context.products[["title", "category", "brand", "price", "segment_users", "lift", "reason"]]
    trust.show_table(
        table.rename(columns={"segment_users": "Segment users", "lift": "Lift"}),
        users_column="Segment users",
        key="camp_products",
        column_config={"Lift": st.column_config.NumberColumn(format="%.1fx")},
    )
    st.caption(
        "Lift: the share of this segment's users who bought or carted the product, divided by the share of "
        "all users who did. Only products with enough of the segment's users are listed."
    )


def brief_form(context: SegmentContext) -> Brief | None:
    """The brief as submitted and validated, or None (not submitted, or a field is wrong: said on the page)."""
    with st.form("camp_brief"):
        left, right = st.columns(2)
        channel = left.selectbox("Channel", list(CHANNELS), format_func=lambda c: CHANNELS[c].label, key="camp_ch")
        tone = right.selectbox("Tone", TONES, key="camp_tone")
        offer_text = st.text_input(
            "Offer", placeholder="20% off winter coats until 24 Dec with code SNOW20", key="camp_offer"
        )
        a, b, c, d = st.columns(4)
        percent = a.number_input("Discount %", 0.0, 99.0, 0.0, step=5.0, key="camp_pct")
        amount = b.number_input("or amount off", 0.0, 100_000.0, 0.0, step=5.0, key="camp_amount")
        code = c.text_input("Code", key="camp_code")
        ends = d.date_input("Ends", value=None, min_value=date.today(), key="camp_ends")
        a, b, c, d = st.columns(4)
        product = a.text_input("Product", key="camp_product")
        category = b.text_input("Category", key="camp_category")
        free_shipping = c.checkbox("Free shipping", key="camp_free")
        variants = d.number_input("Variants", 1, 10, 3, key="camp_variants")
        a, b = st.columns(2)
        avoid = a.text_input("Words to avoid (comma-separated)", key="camp_avoid")
        required = b.text_input("Required phrases (comma-separated)", key="camp_required")
        language = st.selectbox("Language", list(LANGUAGES), format_func=LANGUAGES.get, key="camp_lang")
        notes = st.text_area("Notes for the writer", max_chars=400, key="camp_notes")
        if not st.form_submit_button("Write variants", type="primary"):
            return None
    explicit = {
        "discount_percent": percent or None,
        "discount_amount": amount or None,
        "code": code.strip().upper() or None,
        "end_date": ends,
        "product": product.strip() or None,
        "category": category.strip() or None,
        "free_shipping": free_shipping or None,
    }
    try:
        offer = parse_offer(offer_text, **{k: v for k, v in explicit.items() if v is not None})
        return validate_brief(
            channel,
            offer,
            segment_id=context.segment_id,
            run_id=context.run_id,
            tone=tone,
            language=language,
            avoid_words=_items(avoid),
            required_phrases=_items(required),
            variants=int(variants),
            notes=notes,
        )
    except BriefError as exc:
        st.error(f"Brief: {exc}")
        return None


def write_variants(who: Actor, settings: Settings, brief: Brief, context: SegmentContext) -> None:
    """Generate, streaming the model's first words into the page while it writes."""
    live = st.empty()
    with st.spinner(
        f"Writing opening lines for the {CHANNELS[brief.channel].label.lower()} with {settings.copy_model}..."
    ):
        result = campaigns.write(
            settings,
            who,
            brief,
            context,
            writer=copy_writer(settings.copy_model, settings.device, settings),
            on_text=lambda variant: live.caption(f"First variant: {variant.text}"),
        )
    live.empty()
    st.session_state[RESULT_KEY] = {"brief": brief, "result": result, "segment": (context.run_id, context.segment_id)}


@st.cache_resource(max_entries=2, show_spinner=False)
def copy_writer(model: str, device: str, _settings: Settings) -> CopyWriter:
    """The copy model loaded once per server for (model, device), shared by every session: a load
    takes about 15 s on a CPU. ``_settings`` (not part of the key) holds the same model and device."""
    return campaigns.load_writer(_settings)


def variants(who: Actor, settings: Settings, context: SegmentContext) -> None:
    """The last result's variants as cards with their checks, and the rejected candidates with reasons."""
    kept = st.session_state.get(RESULT_KEY)
    if not kept or kept["segment"] != (context.run_id, context.segment_id):
        return
    brief, result = kept["brief"], kept["result"]
    st.info(result.authorship())
    st.caption(
        f"{len(result.variants)} shown, {len(result.rejected)} opening lines rejected; "
        f"{result.raw_compliance:.0%} of the model's {result.candidates} opening lines were usable as written "
        "(raw compliance, before any checks)."
    )
    if not result.variants:
        st.warning(
            "No candidate passed every rule. Loosen the brief (fewer required phrases, a longer channel) or try again."
        )
    for rank, variant in enumerate(result.variants):
        with st.container(border=True):
            st.markdown(
                f"**Variant {rank + 1}** · {CHANNELS[brief.channel].label} · opening line: {_who(variant, result)}"
            )
            st.text(variant.text)
            st.caption("Checks passed: " + ", ".join(c.name for c in variant.checks))
            if st.button("Save as draft", key=f"camp_keep_{rank}"):
                _keep(who, settings, brief, context, result, rank)
    if result.rejected:
        with st.expander(f"Rejected opening lines ({len(result.rejected)})"):
            for rejected in result.rejected:
                st.text(rejected.text)
                st.caption("Rejected: " + "; ".join(rejected.reasons))


def _who(variant, result) -> str:
    if variant.hook_source == "model":
        return f"written by {result.model}"
    return "the team's" if variant.hook_source == "team" else "none (no room in this channel)"


def drafts_section(who: Actor, settings: Settings) -> None:
    listing = drafts.listing(settings)
    if listing.empty:
        st.info("No drafts yet: save a variant above.")
        return
    trust.show_table(listing, key="camp_drafts", mask=["text"])
    chosen = st.selectbox("Draft", listing["draft_id"].tolist(), format_func=lambda i: f"Draft {i}", key="camp_draft")
    draft = drafts.get(settings, chosen)
    text = st.text_area("Text", value=draft["text"], key=f"camp_draft_text_{chosen}")
    failed = [f"{name}: {c['detail']}" for name, c in draft["checks"].items() if not c["passed"]]
    if failed:
        st.warning("Fails: " + "; ".join(failed))
    left, right = st.columns(2)
    if left.button("Save changes", key="camp_draft_save") and text != draft["text"]:
        _act(lambda: campaigns.edit(settings, who, chosen, text), f"Draft {chosen} saved and re-checked.")
    if right.button("Approve", key="camp_draft_approve", disabled=draft["status"] == "approved"):
        _act(lambda: drafts.approve(settings, who, chosen), f"Draft {chosen} approved.")


def _keep(who: Actor, settings: Settings, brief: Brief, context: SegmentContext, result, rank: int) -> None:
    _act(lambda: campaigns.keep(settings, who, brief, context, result, rank), "Saved as a draft.")


def _act(action, done: str) -> None:
    try:
        action()
    except (drafts.DraftError, PermissionDenied) as exc:
        st.error(str(exc))
        return
    st.toast(done)
    st.rerun()


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]
