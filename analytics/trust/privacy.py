"""Privacy building blocks: PII masking, the minimum group size, consent.

They are applied where data is shown or exported (pages, exports, prompts), never inside
analytics functions, whose results stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

# The one masker for everything shown or stored as a message: pages, exports, job history, error
# messages, language-model prompts. Each pattern starts only where a run of its characters starts
# (the lookbehinds), so a long blob without spaces is scanned once, not once per character.
EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# E-mail addresses written to dodge filters: "john [at] example [dot] com", "JOHN at example dot com",
# "john @ example.com". A plain " at " needs a spelled-out " dot " and one of the common top-level
# domains (not English words such as "in" or "to"), so "looked at it", "polka dot" and "at home dot in
# bed" stay text.
_AT_MARKED = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+@\s*|\s*@\s+)"
_DOT_SPELLED = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
_LABEL = r"[A-Za-z0-9\-]+"
_TLD = r"(?:com|net|org|edu|gov|info|biz|io|[a-z]{2})(?![\w-])"
_COMMON_TLD = r"(?:com|net|org|edu|gov|info|biz|io|co|uk|de|fr|es|it|nl|br|ru|cn|jp|au|ca|ch|se|pl|pt)(?![\w-])"
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.%+\-])[\w.%+\-]+"
    rf"(?:{_AT_MARKED}{_LABEL}(?:(?:{_DOT_SPELLED}|\.){_LABEL})*(?:{_DOT_SPELLED}|\.){_TLD}"
    rf"|\s+at\s+{_LABEL}(?:{_DOT_SPELLED}{_LABEL})*{_DOT_SPELLED}{_COMMON_TLD})",
    re.IGNORECASE,
)
# Payment cards: 13-19 digits, grouped by spaces, dashes or dots, passing the Luhn check.
CARD = re.compile(r"(?<![\w.\-])(?:\d[ .\-]?){12,18}\d(?![\w])(?![.\-]\d)")
# Phone numbers: an optional "(", +country code or 00, then 7-15 digits with spaces, dots, dashes
# or brackets between them. Requiring 7+ digits keeps prices, sizes and years unmasked; a run that
# goes on with more digits after a dot or dash is a longer number, not a phone.
PHONE = re.compile(r"(?<![\w.\-+(])\(?(?:\+|00)?\d(?:[\s.\-()]{0,3}\d){6,14}(?![\w])(?![.\-]\d)")


def mask_pii(text: str | None) -> str | None:
    """Replace e-mail addresses (plain and written out), payment card numbers and phone numbers in
    free text with ``[email]``, ``[card]`` and ``[phone]``. Masking its own output changes nothing."""
    if text is None or not isinstance(text, str):
        return text
    text = EMAIL.sub("[email]", text)
    text = OBFUSCATED_EMAIL.sub("[email]", text)
    text = CARD.sub(_mask_card, text)
    return PHONE.sub(_mask_phone, text)


# Dates and times ("2019-11-03 11:15:00", "03.11.2019") are digit runs with separators too.
DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")
IDENTIFIER = re.compile(r"\d+")
AMOUNT = re.compile(r"\d+\.\d+")  # one decimal point, nothing else: 1234567.89 is money
QUOTES = "'\""


def _mask_phone(match: re.Match) -> str:
    found = match[0]
    if DATE_LIKE.search(found) or AMOUNT.fullmatch(found):
        return found
    # A value that is only digits is an identifier (user 512345678, order 1000123), not a phone
    # number someone wrote: numbers people write carry a +, brackets or separators. Error messages
    # quote the value they found, so a quoted run of digits counts as a value of its own.
    if IDENTIFIER.fullmatch(found) and _whole_value(match):
        return found
    return "[phone]"


def _whole_value(match: re.Match) -> bool:
    text, start, end = match.string, match.start(), match.end()
    if start == 0 and end == len(text):
        return True
    return 0 < start and end < len(text) and text[start - 1] == text[end] and text[end] in QUOTES


def _mask_card(match: re.Match) -> str:
    # Card numbers pass the Luhn check; other long digit runs are left to the phone rule.
    return "[card]" if _luhn_ok(re.sub(r"\D", "", match[0])) else match[0]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mask_columns(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with PII masked in the given (default: all text) columns."""
    out = df.copy()
    cols = list(columns) if columns is not None else text_columns(out)
    for col in cols:
        if col in out.columns:
            out[col] = out[col].map(mask_pii, na_action="ignore")
    return out


def text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object]


def small_groups(df: pd.DataFrame, users_column: str, min_group_size: int) -> pd.Series:
    """Boolean mask of rows describing fewer than ``min_group_size`` distinct users."""
    return df[users_column].fillna(0) < min_group_size


def suppress_small_groups(df: pd.DataFrame, users_column: str, min_group_size: int) -> tuple[pd.DataFrame, int]:
    """Drop rows (groups) with fewer distinct users than the minimum; return how many were hidden."""
    hide = small_groups(df, users_column, min_group_size)
    return df.loc[~hide].reset_index(drop=True), int(hide.sum())


def merge_small_groups(
    df: pd.DataFrame,
    users_column: str,
    min_group_size: int,
    label_column: str,
    sum_columns: Iterable[str],
    other_label: str = "other",
) -> pd.DataFrame:
    """Fold groups below the minimum into one ``other`` row by summing additive columns.

    Only additive columns (counts, sums) can be merged; ratios must be recomputed from them by
    the caller. Distinct users of merged groups are summed, an upper bound, so an ``other``
    row that is still below the minimum after merging is dropped too.
    """
    hide = small_groups(df, users_column, min_group_size)
    if not hide.any():
        return df.reset_index(drop=True)
    sums = list(dict.fromkeys([users_column, *sum_columns]))
    other = df.loc[hide, sums].sum(numeric_only=True).to_frame().T
    other[label_column] = other_label
    kept = df.loc[~hide]
    if int(other[users_column].iloc[0]) >= min_group_size:
        kept = pd.concat([kept, other[[c for c in df.columns if c in other.columns]]], ignore_index=True)
    return kept.reset_index(drop=True)


def consenting(df: pd.DataFrame, consent_column: str = "marketing_consent") -> pd.DataFrame:
    """Rows whose marketing consent is not explicitly False (unknown consent is kept)."""
    if consent_column not in df.columns:
        return df
    return df.loc[df[consent_column].fillna(True).astype(bool)].reset_index(drop=True)
