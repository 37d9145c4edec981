"""The statistics on worked examples: published intervals and ones computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.campaigns import lift


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10 (hybrid score)
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ],
)
def test_newcombe_interval_matches_the_published_examples(counts, expected):
    interval = lift.newcombe_difference(*counts)
    x1, n1, x2, n2 = counts
    assert interval.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert (round(interval.low, 4), round(interval.high, 4)) == expected


def test_wilson_interval_of_one_proportion():
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I: 81/263, score method 0.2553-0.3662
    low, high = lift.wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_wald_interval_by_hand():
    # means 1/2 and 1/6; variances (n - 1 in the denominator) 1/3 and 1/6, so the standard error is
    # sqrt(1/3 / 4 + 1/6 / 6) = sqrt(1/9) = 1/3 and the interval 1/3 +- 1.959964 / 3.
    interval = lift.wald_difference(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0, 0, 0]))
    assert interval.estimate == pytest.approx(1 / 3)
    assert interval.low == pytest.approx(1 / 3 - 1.959964 / 3, abs=1e-6)
    assert interval.high == pytest.approx(1 / 3 + 1.959964 / 3, abs=1e-6)


def test_welch_interval_by_hand():
    # The same arms: variances of the means 1/12 and 1/36, Welch-Satterthwaite
    # df = (1/9)^2 / ((1/12)^2 / 3 + (1/36)^2 / 5) = 5 exactly; t(0.975, 5) = 2.570582.
    interval = lift.welch_difference(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0, 0, 0]))
    assert interval.low == pytest.approx(1 / 3 - 2.570582 / 3, abs=1e-6)
    assert interval.high == pytest.approx(1 / 3 + 2.570582 / 3, abs=1e-6)
    assert interval.method == "welch t"


def test_agresti_caffo_interval_by_hand():
    # Without covariate variation the CUPED conversion interval is Agresti and Caffo's (2000): one
    # success and one failure added to each arm, then Wald with n in the denominator. 56/70 vs
    # 48/80: p1 = 57/72, p2 = 49/82, se = sqrt(p1 (1 - p1) / 72 + p2 (1 - p2) / 82) = 0.0722731.
    y1, y0 = np.r_[np.ones(56), np.zeros(14)], np.r_[np.ones(48), np.zeros(32)]
    fitted = lift.cuped_proportion_difference(y1, np.zeros(70), y0, np.zeros(80))
    p1, p2 = 57 / 72, 49 / 82
    se = math.sqrt(p1 * (1 - p1) / 72 + p2 * (1 - p2) / 82)
    assert se == pytest.approx(0.0722731, abs=1e-7)
    assert not fitted.fit.usable
    assert fitted.unadjusted.estimate == pytest.approx(0.2)  # the real users' difference
    assert fitted.unadjusted.low == pytest.approx(p1 - p2 - 1.959964 * se, abs=1e-6)  # 0.05245
    assert fitted.unadjusted.high == pytest.approx(p1 - p2 + 1.959964 * se, abs=1e-6)  # 0.33576
    assert fitted.adjusted.low == pytest.approx(fitted.unadjusted.low)


def test_cuped_conversion_interval_uses_the_covariate():
    # Users who bought before buy again: the covariate explains part of the outcome, so the
    # adjusted interval is narrower, and a covariate imbalance between arms is corrected.
    x1 = np.r_[np.ones(30), np.zeros(70)]
    y1 = np.r_[np.ones(20), np.zeros(10), np.ones(10), np.zeros(60)]  # 2/3 of buyers before, 1/7 of others
    x0 = np.r_[np.ones(10), np.zeros(90)]
    y0 = np.r_[np.ones(6), np.zeros(4), np.ones(12), np.zeros(78)]
    fitted = lift.cuped_proportion_difference(y1, x1, y0, x0)
    assert fitted.fit.usable and fitted.fit.theta > 0
    assert fitted.adjusted.width < fitted.unadjusted.width
    # raw 0.30 - 0.18 = 0.12, of which theta x (0.3 - 0.1) came from the arms' different histories
    assert fitted.adjusted.estimate == pytest.approx(0.12 - fitted.fit.theta * 0.2)
    assert fitted.adjusted.low < fitted.adjusted.estimate < fitted.adjusted.high


def test_cuped_theta_and_adjusted_values_by_hand():
    # y = 2x + e with e alternating +1/-1: cov(e, x) = -4/7 and var(x) = 6, so
    # theta = 2 + (-4/7) / 6 = 40/21; the adjustment keeps the mean and removes x's part.
    x = np.arange(8, dtype=float)
    e = np.array([1, -1] * 4, dtype=float)
    adjusted = lift.cuped(2 * x + e, x)
    assert adjusted.usable
    assert adjusted.theta == pytest.approx(40 / 21)
    assert adjusted.adjusted.mean() == pytest.approx((2 * x + e).mean())
    np.testing.assert_allclose(adjusted.adjusted, 2 * x + e - 40 / 21 * (x - 3.5))


def test_cuped_without_pre_period_variation_adjusts_nothing():
    y = np.array([0.0, 1.0, 0.0, 1.0])
    adjusted = lift.cuped(y, np.zeros(4))
    assert not adjusted.usable and adjusted.theta == 0.0
    np.testing.assert_array_equal(adjusted.adjusted, y)


def test_cuped_removes_the_share_of_variance_the_covariate_explains():
    # y = x + noise with equal variances: correlation^2 = 1/2, so CUPED halves the variance.
    rng = np.random.default_rng(3)
    x = rng.normal(size=40_000)
    y = x + rng.normal(size=40_000)
    treated = np.arange(40_000) % 2 == 0
    adjusted = lift.cuped(y, x)
    with_cuped = lift.wald_difference(adjusted.adjusted[treated], adjusted.adjusted[~treated])
    without = lift.wald_difference(y[treated], y[~treated])
    assert lift.variance_reduction(with_cuped, without) == pytest.approx(0.5, abs=0.02)
    assert with_cuped.width == pytest.approx(without.width * math.sqrt(0.5), rel=0.03)


def test_bad_counts_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least one trial"):
        lift.wilson(0, 0)
    with pytest.raises(ValueError, match="between 0 and n=5"):
        lift.wilson(6, 5)
    with pytest.raises(ValueError, match="at least 2 users"):
        lift.welch_difference(np.array([1.0]), np.array([0.0, 1.0]))
