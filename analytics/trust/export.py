"""Safe export of tables: PII masked, spreadsheet formulas neutralised, small groups refused.

Used by every download in the dashboard and by command-line exports.
"""

from __future__ import annotations

import io
import re
from typing import Literal

import pandas as pd

from analytics.trust import privacy

ExportFormat = Literal["csv", "parquet"]

# The one formula rule (OWASP, CSV injection), shared by import validation (which refuses such
# cells) and export (which prefixes them with a quote): a cell is a formula when, after leading
# spaces and line breaks, it starts with = + - @ or their fullwidth forms (spreadsheets read ＝ as =),
# or when it starts with a tab or carriage return followed by anything but blank space. The
# pattern is written for both Python's re and DuckDB's RE2 (literal characters, no \u escapes).
_SPACE = " \n\x0b\x0c\u00a0\u3000\ufeff"
_BLANK = _SPACE + "\t\r"
_TRIGGERS = "=+\\-@\uff1d\uff0b\uff0d\uff20"
FORMULA_PATTERN = f"^[{_SPACE}]*(?:[{_TRIGGERS}]|[\t\r][{_BLANK}]*[^{_BLANK}])"
FORMULA = re.compile(FORMULA_PATTERN)


def is_formula(value: object) -> bool:
    """True for a text cell a spreadsheet would run as a formula (FORMULA_PATTERN)."""
    return isinstance(value, str) and FORMULA.match(value) is not None


class ExportRefused(ValueError):
    """The table may not be exported (e.g. it describes too few users)."""


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula (``is_formula``) with a single quote."""
    out = df.copy()
    for col in privacy.text_columns(out):
        out[col] = out[col].map(_neutralise, na_action="ignore")
    return out


def _neutralise(value: object) -> object:
    return "'" + value if is_formula(value) else value


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
