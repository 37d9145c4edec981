"""The trust building blocks as widgets: role gate, safe tables, safe downloads.

Every page shows data through these, so masking, the minimum group size and the
export rules hold everywhere without each page remembering them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.core import appstate
from analytics.trust import export, privacy
from analytics.trust.access import Actor, PermissionDenied, require
from dashboard.components.context import actor, settings


def gate(action: str) -> Actor:
    """Stop the page unless the signed-in actor may perform ``action`` (checked on the server)."""
    who = actor()
    try:
        require(who, action)
    except PermissionDenied as exc:
        st.error(f"Not allowed: {exc}.")
        st.stop()
    return who


def no_toolbar_downloads() -> None:
    """Make sure tables offer no "Download as CSV" of their own: it would skip the safe export.

    ``.streamlit/config.toml`` turns ``client.disableDataExport`` on, but Streamlit reads that
    file only from the working directory; started from elsewhere, the option is set here. The
    browser learns the option when a run starts, so the run starts again before anything is drawn.
    """
    if not st.get_option("client.disableDataExport"):
        st.set_option("client.disableDataExport", True)
        st.rerun()


def show_table(
    df: pd.DataFrame,
    *,
    users_column: str | None = None,
    key: str | None = None,
    mask: list[str] | None = None,
    **kwargs,
) -> None:
    """Show a table with PII masked (in ``mask`` columns, default every text column) and groups
    below the minimum size hidden (and say so).

    The one place that draws tables (a test holds every page to it). Its toolbar has no download
    (``no_toolbar_downloads``): data leaves only through ``download``."""
    shown = df
    if users_column is not None:
        shown, hidden = privacy.suppress_small_groups(df, users_column, settings().min_group_size)
        if hidden:
            st.caption(f"{hidden} group(s) with fewer than {settings().min_group_size} users are hidden.")
    st.dataframe(privacy.mask_columns(shown, mask), hide_index=True, key=key, **kwargs)


def download(
    df: pd.DataFrame,
    name: str,
    *,
    key: str,
    users_column: str | None = None,
    user_list: bool = False,
    mask: list[str] | None = None,
) -> None:
    """CSV and Parquet download buttons for a table, made safe; each download is audited.

    A breakdown (``users_column``) drops groups below the minimum size; a ``user_list`` needs
    the export_users permission, leaves out users without consent and refuses short lists.
    """
    who = actor()
    action = "export_users" if user_list else "export_aggregates"
    if not who.can(action):
        return
    limit = settings().min_group_size
    try:
        if user_list:
            safe = export.safe_user_list(df, min_group_size=limit)
        elif users_column is not None:
            safe = export.safe_breakdown(df, users_column=users_column, min_group_size=limit)
        else:
            safe = export.safe_text(df, mask)
    except export.ExportRefused as exc:
        st.caption(f"Export unavailable: {exc}.")
        return
    left, right = st.columns(2)
    for column, fmt, mime in ((left, "csv", "text/csv"), (right, "parquet", "application/octet-stream")):
        column.download_button(
            f"Download {fmt.upper()}",
            data=export.to_bytes(safe, fmt),
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            on_click=_audit_export,
            args=(who, action, f"{name}.{fmt}", len(safe)),
        )


def _audit_export(who: Actor, action: str, target: str, rows: int) -> None:
    require(who, action)
    appstate.record_audit(settings(), who.name, who.role.name.lower(), "export", target, rows=rows)
