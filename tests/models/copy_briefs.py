"""The 20 fixed briefs of tests/data/briefs.json as (name, Brief, Grounding); the bench reuses them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from analytics.campaigns.copy_rules import Brief, Offer, validate_brief
from analytics.campaigns.copywriter import Grounding

BRIEFS_FILE = Path(__file__).resolve().parent.parent / "data" / "briefs.json"


def load_briefs(today: date | None = None) -> list[tuple[str, Brief, Grounding]]:
    today = today or date.today()
    data = json.loads(BRIEFS_FILE.read_text(encoding="utf-8"))
    groundings = {
        key: Grounding(
            g["segment_name"], tuple(g["segment_facts"]), tuple(map(tuple, g["products"])), tuple(g["snippets"])
        )
        for key, g in data["groundings"].items()
    }
    out = []
    for item in data["briefs"]:
        offer = dict(item["offer"])
        days = offer.pop("end_in_days", None)
        if days is not None:
            offer["end_date"] = today + timedelta(days=days)
        brief = validate_brief(
            item["channel"],
            Offer(**offer),
            segment_id=0,
            run_id=1,
            tone=item.get("tone", "friendly"),
            avoid_words=tuple(item.get("avoid_words", ())),
            required_phrases=tuple(item.get("required_phrases", ())),
            variants=3,
            today=today,
        )
        out.append((item["name"], brief, groundings[item["grounding"]]))
    return out
