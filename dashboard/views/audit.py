"""Audit log: who imported, rebuilt, exported or approved what, and when (admins only)."""

import pandas as pd
import streamlit as st

from analytics.core import appstate
from dashboard.components import trust
from dashboard.components.context import settings

trust.gate("view_audit")
st.title("Audit log")
st.caption("Every import, job, export, cancel and approval, newest first. Times are UTC.")

limit = st.select_slider("Entries", [50, 200, 1000, 5000], value=200, key="audit_limit")
entries = pd.DataFrame(
    appstate.read_audit(settings(), limit=limit),
    columns=["audit_id", "at", "actor", "role", "action", "target", "details"],
)
actions = sorted(entries["action"].unique())
chosen = st.multiselect("Actions", actions, key="audit_actions", placeholder="All actions")
if chosen:
    entries = entries[entries["action"].isin(chosen)]
# Actors are colleagues' sign-in identities, which is the point of the log: only the free-form
# columns are masked.
trust.show_table(entries, key="audit_table", mask=["target", "details"])
trust.download(entries, "audit_log", key="audit_export", mask=["target", "details"])
