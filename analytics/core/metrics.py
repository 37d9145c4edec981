"""Every metric the pages show, defined once: its label, its one definition sentence, and its formula.

Charts and cards take their caption from ``caption(...)`` so the sentence shown beside a chart
is the definition the numbers were computed with. Rates are derived from counts in ``derive``
and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal["count", "rate", "money", "days"]


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    definition: str
    kind: Kind
    numerator: str | None = None  # rates: the count columns they divide
    denominator: str | None = None


_ALL = (
    Metric(
        "visitors", "Visitors", "Distinct known users who viewed, carted or bought a product in the period.", "count"
    ),
    Metric(
        "sessions",
        "Sessions",
        "Distinct sessions with a product view, cart or purchase, each dated by its first event.",
        "count",
    ),
    Metric("purchasers", "Purchasers", "Distinct known users with at least one purchase in the period.", "count"),
    Metric(
        "conversion_rate",
        "Conversion rate",
        "Purchasers / visitors: the share of visitors who bought at least once in the period.",
        "rate",
        "purchasers",
        "visitors",
    ),
    Metric(
        "session_conversion_rate",
        "Session conversion",
        "Purchasing sessions / sessions: the share of sessions with a purchase.",
        "rate",
        "purchasing_sessions",
        "sessions",
    ),
    Metric(
        "cart_rate", "Cart rate", "Sessions with an add-to-cart / sessions.", "rate", "carting_sessions", "sessions"
    ),
    Metric(
        "cart_to_purchase_rate",
        "Cart-to-purchase rate",
        "Of the sessions with an add-to-cart, the share that also had a purchase.",
        "rate",
        "carting_purchasing_sessions",
        "carting_sessions",
    ),
    Metric(
        "revenue",
        "Revenue",
        "Purchase value (unit price x quantity) minus refunds of those purchases, by order date, "
        "per currency and never summed across currencies.",
        "money",
    ),
    Metric("orders", "Orders", "Distinct orders; a purchase without an order id counts as its own order.", "count"),
    Metric("aov", "AOV", "Average order value: revenue / orders, per currency.", "money", "revenue", "orders"),
    Metric(
        "repeat_purchase_rate",
        "Repeat-purchase rate",
        "Share of the period's purchasers who placed two or more orders in it.",
        "rate",
        "repeat_purchasers",
        "purchasers",
    ),
    Metric(
        "funnel",
        "Funnel",
        "Users (or sessions) reaching each step: view, then add-to-cart, then purchase of the same product; "
        "by default within one session with each step at or after the previous one.",
        "count",
    ),
    Metric(
        "step_conversion",
        "Step conversion",
        "Share of the previous step's users (or sessions) that reached this step; drop-off is the rest.",
        "rate",
    ),
    Metric(
        "retention",
        "Retention",
        "Share of a first-purchase cohort that bought again in each later week or month.",
        "rate",
    ),
    Metric(
        "rfm",
        "RFM scores",
        "Recency (days since the last order), frequency (orders) and monetary value (net revenue) up to the "
        "period's end, each scored 1-5 by quintile among the currency's customers (5 is best).",
        "count",
    ),
    Metric(
        "clv",
        "CLV",
        "Expected net revenue over the next 12 months from a BG/NBD purchase model and a Gamma-Gamma spend "
        "model fitted on all history, per currency, undiscounted.",
        "money",
    ),
    Metric(
        "churn_risk",
        "Churn risk",
        "1 - the BG/NBD probability that the customer is still active; the model counts a one-time "
        "buyer as active until a repeat purchase shows their rhythm, so their risk is 0.",
        "rate",
    ),
)
METRICS: dict[str, Metric] = {m.name: m for m in _ALL}


def caption(*names: str) -> str:
    """One line per metric: its label and definition, for the caption beside a chart."""
    return "  \n".join(f"**{METRICS[n].label}**: {METRICS[n].definition}" for n in names)


def derive(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every rate metric whose two count columns it holds.

    A rate with a zero denominator is NaN (shown as a dash), never 0 and never an error.
    """
    out = df.copy()
    for metric in _ALL:
        if metric.numerator in out.columns and metric.denominator in out.columns:
            out[metric.name] = ratio(out[metric.numerator], out[metric.denominator])
    return out


def ratio(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator with NaN where the denominator is 0 or missing."""
    num = pd.to_numeric(numerator, errors="coerce") if isinstance(numerator, pd.Series) else numerator
    den = pd.to_numeric(denominator, errors="coerce") if isinstance(denominator, pd.Series) else denominator
    if isinstance(den, pd.Series):
        return num / den.where(den != 0)
    return float(num) / float(den) if den else float("nan")


def format_value(name: str, value: float | None, currency: str | None = None) -> str:
    """A metric value as shown on a card: counts with thousands separators, rates in %, money with currency."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    kind = METRICS[name].kind
    if kind == "rate":
        return f"{value:.2%}"
    if kind == "money":
        # Cents only where they matter: 150,493 EUR reads better on a card than 150,493.03 EUR.
        amount = f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:,.2f}"
        return f"{amount} {currency or ''}".strip()
    return f"{value:,.0f}"
