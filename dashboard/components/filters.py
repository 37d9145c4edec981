"""The shared sidebar filters: drawn once by the app frame, read by every page from session state."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from analytics.core.filters import Filters
from dashboard.components import data

KEYS = {
    "dates": "flt_dates",
    "category": "flt_categories",
    "brand": "flt_brands",
    "traffic_source": "flt_sources",
    "device": "flt_devices",
}
DEFAULT_DAYS = 28


def sidebar_filters() -> None:
    """Draw the filters in the sidebar (keys in KEYS); nothing when there is no warehouse."""
    if data.snapshot() is None:
        return
    first, last = _date_bounds()
    if first is None:
        return
    options = data.query("filter_options")
    with st.sidebar.expander("Filters", expanded=True):
        st.date_input(
            "Dates (UTC)",
            value=(max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last),
            min_value=first,
            max_value=last,
            key=KEYS["dates"],
        )
        for name, label in (
            ("category", "Category"),
            ("brand", "Brand"),
            ("traffic_source", "Traffic source"),
            ("device", "Device"),
        ):
            values = options.loc[options["filter"] == name, "value"].tolist()
            st.multiselect(label, values, key=KEYS[name], placeholder="All")


def current_filters() -> Filters | None:
    """The filters as plain values, or None before there is any data."""
    first, last = _date_bounds()
    if first is None:
        return None
    chosen = st.session_state.get(KEYS["dates"]) or ()
    start, end = _range(chosen, first, last)
    return Filters(
        start=start,
        end=end,
        categories=tuple(st.session_state.get(KEYS["category"]) or ()),
        brands=tuple(st.session_state.get(KEYS["brand"]) or ()),
        traffic_sources=tuple(st.session_state.get(KEYS["traffic_source"]) or ()),
        devices=tuple(st.session_state.get(KEYS["device"]) or ()),
    )


def _range(chosen: tuple, first: date, last: date) -> tuple[date, date]:
    # While a user is picking, date_input holds one date; until then use the default window.
    if isinstance(chosen, tuple | list) and len(chosen) == 2:
        return chosen[0], chosen[1]
    return max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last


def _date_bounds() -> tuple[date | None, date | None]:
    bounds = data.query("event_date_range")
    if bounds.empty or bounds["first_day"].isna().iloc[0]:
        return None, None
    return _as_date(bounds["first_day"].iloc[0]), _as_date(bounds["last_day"].iloc[0])


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
