"""Metric definitions: one sentence each, rates derived in one place."""

import numpy as np
import pandas as pd
import pytest

from analytics.core import metrics


def test_every_metric_has_one_definition_sentence():
    for metric in metrics.METRICS.values():
        assert metric.definition.endswith(".") and metric.label, metric.name


def test_rates_name_existing_counts_or_metrics():
    for metric in metrics.METRICS.values():
        if metric.numerator:
            assert metric.kind in ("rate", "money") and metric.denominator, metric.name


def test_derive_computes_rates_and_leaves_zero_denominators_empty():
    df = pd.DataFrame({"purchasers": [5, 0], "visitors": [100, 0], "revenue": [250.0, 0.0], "orders": [5, 0]})
    out = metrics.derive(df)
    assert out["conversion_rate"].iloc[0] == pytest.approx(0.05)
    assert out["aov"].iloc[0] == pytest.approx(50.0)
    assert np.isnan(out["conversion_rate"].iloc[1]) and np.isnan(out["aov"].iloc[1])


def test_caption_joins_label_and_definition():
    text = metrics.caption("conversion_rate", "aov")
    assert text.startswith("**Conversion rate**: Purchasers / visitors")
    assert "**AOV**: Average order value" in text


def test_format_value_by_kind():
    assert metrics.format_value("conversion_rate", 0.04652) == "4.65%"
    assert metrics.format_value("revenue", 150493.03, "EUR") == "150,493 EUR"
    assert metrics.format_value("aov", 330.031, "EUR") == "330.03 EUR"
    assert metrics.format_value("visitors", 3117.0) == "3,117"
    assert metrics.format_value("aov", float("nan")) == "-"
