"""Safe export of tables: PII masked, spreadsheet formulas neutralised, small groups refused.

Used by every download in the dashboard and by command-line exports.
"""

from __future__ import annotations

import io
from typing import Literal

import pandas as pd

from analytics.trust import privacy

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
ExportFormat = Literal["csv", "parquet"]


class ExportRefused(ValueError):
    """The table may not be exported (e.g. it describes too few users)."""


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula with a single quote (OWASP CSV injection)."""
    out = df.copy()
    for col in privacy.text_columns(out):
        out[col] = out[col].map(_neutralise, na_action="ignore")
    return out


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_breakdown(df: pd.DataFrame, *, users_column: str, min_group_size: int) -> pd.DataFrame:
    """A table of groups as it may leave the product: groups describing fewer than
    ``min_group_size`` distinct users dropped, free text masked, formulas neutralised."""
    kept, _ = privacy.suppress_small_groups(df, users_column, min_group_size)
    return safe_text(kept)


def safe_user_list(df: pd.DataFrame, *, min_group_size: int) -> pd.DataFrame:
    """A list of users (one row each) as it may leave the product: users who declined marketing
    consent left out, refused when fewer than ``min_group_size`` remain, text made safe."""
    kept = privacy.consenting(df)
    if len(kept) < min_group_size:
        raise ExportRefused(
            f"this export lists {len(kept)} users with marketing consent; exports need at least {min_group_size}"
        )
    return safe_text(kept)


def safe_text(df: pd.DataFrame, mask: list[str] | None = None) -> pd.DataFrame:
    """PII masked in ``mask`` columns (default: every text column) and spreadsheet formulas neutralised."""
    return neutralise_formulas(privacy.mask_columns(df, mask))


def to_bytes(df: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """Serialise an already safe table."""
    if fmt == "csv":
        return df.to_csv(index=False).encode("utf-8")
    if fmt == "parquet":
        buffer = io.BytesIO()
        df.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise ValueError(f"unknown export format '{fmt}'; valid formats: csv, parquet")
