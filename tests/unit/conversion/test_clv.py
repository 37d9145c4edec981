"""BG/NBD and Gamma-Gamma: parameter recovery on simulated customers, and the UCI time split."""

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analytics.core import clv
from tests.conftest import shared_sample
from tests.unit.conversion.samples import UCI_INVOICES


def _simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, age: float, horizon: float, seed: int):
    """Customers following BG/NBD exactly: Poisson purchases at rate lambda ~ Gamma(r, 1/alpha),
    dropping out after each repeat purchase with probability p ~ Beta(a, b)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, tx, future = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > age + horizon:
                break
            if t <= age:
                x[i] += 1
                tx[i] = t
            else:
                future[i] += 1
            if rng.random() < p[i]:
                break
    return x, tx, np.full(n, age), future


def test_bgnbd_recovers_simulated_parameters():
    x, tx, t, _ = _simulate_bgnbd(4000, r=0.6, alpha=20.0, a=0.8, b=2.5, age=180.0, horizon=90.0, seed=1)
    fitted = clv.BetaGeoModel(penalizer=0.0).fit(x, tx, t).params_
    assert fitted.r == pytest.approx(0.6, rel=0.15)
    assert fitted.alpha == pytest.approx(20.0, rel=0.2)
    assert fitted.a / (fitted.a + fitted.b) == pytest.approx(0.8 / 3.3, rel=0.25)


def test_bgnbd_predicts_simulated_holdout_purchases():
    x, tx, t, future = _simulate_bgnbd(4000, r=0.6, alpha=20.0, a=0.8, b=2.5, age=180.0, horizon=90.0, seed=2)
    model = clv.BetaGeoModel().fit(x, tx, t)
    predicted = model.expected_purchases(90.0, x, tx, t)
    assert predicted.sum() == pytest.approx(future.sum(), rel=0.08)


def test_p_alive_is_one_before_a_repeat_purchase_and_falls_with_silence():
    model = clv.BetaGeoModel()
    model.params_ = clv.BetaGeoParams(r=0.6, alpha=20.0, a=0.8, b=2.5)
    alive = model.p_alive([0, 3, 3], [0.0, 170.0, 20.0], [180.0, 180.0, 180.0])
    # eq. 13 by hand: 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    assert alive[0] == 1.0
    assert alive[1] == pytest.approx(1 / (1 + 0.8 / 4.5 * (200 / 190) ** 3.6))  # 0.824
    assert alive[2] == pytest.approx(1 / (1 + 0.8 / 4.5 * (200 / 40) ** 3.6))  # 0.017


def test_gamma_gamma_recovers_mean_spend():
    rng = np.random.default_rng(3)
    p, q, gamma = 6.0, 4.0, 15.0
    nu = rng.gamma(q, 1 / gamma, 3000)
    x = rng.integers(1, 8, 3000)
    m = np.array([rng.gamma(p, 1 / v, k).mean() for v, k in zip(nu, x, strict=True)])
    model = clv.GammaGammaModel().fit(x, m)
    population_mean = model.params_.p * model.params_.gamma / (model.params_.q - 1)
    assert population_mean == pytest.approx(p * gamma / (q - 1), rel=0.1)


def _uci_transactions() -> pd.DataFrame:
    return (
        duckdb.connect()
        .execute(
            "select CustomerID as user_key, InvoiceDate as day, TotalPrice as value from read_csv($path)",
            {"path": str(shared_sample(UCI_INVOICES))},
        )
        .df()
    )


def test_uci_time_split_predicted_vs_actual():
    # Calibrate on 2010-12-01..2011-06-08, predict the 184-day holdout to 2011-12-09.
    check, table = clv.holdout_check(_uci_transactions(), date(2011, 6, 8), date(2011, 12, 9))
    assert check.customers == 2787
    assert check.actual_purchases == 6866
    assert check.predicted_purchases == pytest.approx(6132, rel=0.01)  # -10.7%: Q4 rush not in calibration
    by_frequency = table.groupby(table["frequency"].clip(upper=3))[["predicted", "actual"]].mean()
    assert np.allclose(by_frequency["predicted"], by_frequency["actual"], rtol=0.2)


def test_uci_customer_value_marts(uci_con):
    models = uci_con.execute("select status, count_customers, holdout_days from mart_clv_models").fetchall()
    assert models == [("fitted", 4338, 90)]
    clv_rows = uci_con.execute("select count(*), min(clv) > 0, max(p_alive) <= 1 from mart_customer_value").fetchone()
    assert clv_rows == (4338, True, True)


def test_summarise_rejects_missing_columns():
    with pytest.raises(ValueError, match="missing column"):
        clv.summarise(pd.DataFrame({"user_key": [1], "day": ["2020-01-01"]}), date(2020, 2, 1))


@pytest.mark.parametrize("log_params", [[0.0, 0.0, 0.0, 0.0], [-0.5, 1.2, -1.0, 0.7], [0.3, -0.2, -3.0, -2.0]])
def test_bgnbd_gradient_matches_finite_differences(log_params):
    x, tx, t, _ = _simulate_bgnbd(500, r=0.6, alpha=20.0, a=0.8, b=2.5, age=180.0, horizon=0.0, seed=4)
    x, tx, t, weights = clv._distinct_histories(x, np.round(tx), t)
    histories, weights = clv._Histories(x, tx / 18, t / 18), weights.astype(float)

    def value(v):
        return histories.weighted_log_likelihood(clv.BetaGeoParams(*np.exp(v)), weights)[0]

    def gradient(v):
        return histories.weighted_log_likelihood(clv.BetaGeoParams(*np.exp(v)), weights)[1]

    point = np.array(log_params)
    assert value(point) == np.sum(histories.log_likelihood(clv.BetaGeoParams(*np.exp(point))) * weights)
    numeric = optimize.approx_fprime(point, value, 1e-7)
    assert np.allclose(gradient(point), numeric, rtol=1e-5, atol=1e-4 * np.abs(numeric).max())


@pytest.mark.parametrize("log_params", [[0.0, 0.0, 0.0], [1.5, 1.0, 0.3], [-0.5, 2.0, -1.0]])
def test_gamma_gamma_gradient_matches_finite_differences(log_params):
    rng = np.random.default_rng(5)
    x = rng.integers(1, 8, 400).astype(float)
    spends = clv._Spends(x, rng.gamma(6.0, 1 / rng.gamma(4.0, 1.0, 400)) / 2)

    def value(v):
        return spends.summed_log_likelihood(*np.exp(v))[0]

    point = np.array(log_params)
    assert value(point) == spends.log_likelihood(*np.exp(point)).sum()
    assert optimize.check_grad(value, lambda v: spends.summed_log_likelihood(*np.exp(v))[1], point) < 1e-5 * max(
        1.0, np.abs(optimize.approx_fprime(point, value)).max()
    )


def test_distinct_histories_are_np_unique_rows():
    rng = np.random.default_rng(6)
    x = rng.integers(0, 5, 3000).astype(float)
    tx = np.where(x > 0, rng.integers(0, 60, 3000), 0).astype(float)
    t = tx + rng.integers(0, 40, 3000)
    rows, counts = np.unique(np.column_stack([x, tx, t]), axis=0, return_counts=True)
    for got, want in zip(clv._distinct_histories(x, tx, t), [*rows.T, counts], strict=True):
        assert np.array_equal(got, want)
    # fractional days take the row sort and give the same answer
    rows, counts = np.unique(np.column_stack([x, tx / 7, t / 7]), axis=0, return_counts=True)
    for got, want in zip(clv._distinct_histories(x, tx / 7, t / 7), [*rows.T, counts], strict=True):
        assert np.array_equal(got, want)


def test_summarise_same_for_ordered_rows_and_shuffled_rows_with_split_days():
    rng = np.random.default_rng(7)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, 2000), unit="D")
    rows = pd.DataFrame({"user_key": rng.integers(0, 300, 2000), "day": days, "value": rng.integers(1, 90, 2000) * 1.0})
    ordered = rows.groupby(["user_key", "day"], as_index=False)["value"].sum()  # as the warehouse query gives
    halves = ordered.assign(value=ordered["value"] / 2)  # whole numbers: the halves sum back exactly
    messy = pd.concat([halves, halves]).sample(frac=1, random_state=1)
    for as_of in (date(2024, 3, 1), date(2024, 6, 1)):
        expected = clv.summarise(ordered, as_of)
        pd.testing.assert_frame_equal(clv.summarise(messy, as_of), expected, check_exact=True)
        assert expected["count_purchase_days"].sum() == (ordered["day"] <= pd.Timestamp(as_of)).sum()


@pytest.mark.parametrize("frequencies", [[2.0] * 50 + [1.0] * 50, [1.0] * 20 + [2.0] * 20 + [3.0] * 20])
def test_gamma_gamma_with_identical_spends_stops_at_finite_parameters(frequencies):
    # Every repeat purchase day worth the same (a test shop did this): the likelihood keeps rising
    # as p, q -> infinity, where its gammaln differences lose every digit; the fit must still end
    # converged at finite parameters.
    model = clv.GammaGammaModel().fit(frequencies, np.full(len(frequencies), 10.0))
    assert model.converged_
    assert np.isfinite([model.params_.p, model.params_.q, model.params_.gamma]).all()
    assert model.expected_value([0.0, 2.0], [np.nan, 10.0]) == pytest.approx([10.0, 10.0], rel=0.01)
