"""Plain JSON values from what analytics returns, for the commands' ``--json`` output."""

from __future__ import annotations

import math
from typing import Any


def plain(value: Any) -> Any:
    """JSON-safe, recursively: numpy numbers to Python, dates and times to ISO text, NaN and
    infinities to null."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
