"""Customer lifetime value from a buy-till-you-die model: BG/NBD for how often, Gamma-Gamma for how much.

Written here with numpy/scipy (the ``lifetimes`` package is unmaintained and breaks on numpy 2 /
pandas 3). The likelihoods and the conditional expectations follow:

- Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
  Pareto/NBD model", Marketing Science 24(2): BG/NBD, equations (6), (10) and (13);
- Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
  JMR 42(4): the Gamma-Gamma spend model, equations (1)-(5).

Time is counted in days and a "transaction" is a day with a purchase (several orders on one
day are one transaction), as in the papers' weekly/daily cohorts.

Shapes:

- transactions: ``user_key, day, value`` (one row per purchase day; value is net revenue)
- summary (``summarise``): ``user_key, frequency, recency_days, age_days, mean_repeat_value,
  count_purchase_days`` where frequency is repeat purchase days, recency the first-to-last
  purchase gap and age the first purchase to the as-of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import optimize, special

_EPS = 1e-12


@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD: purchase rates ~ Gamma(r, alpha); dropout probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma: spend per transaction ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float


def bgnbd_log_likelihood(params: BetaGeoParams, frequency, recency, age) -> np.ndarray:
    """Per-customer log-likelihood of BG/NBD (Fader, Hardie & Lee 2005, eq. 6)."""
    return _Histories(frequency, recency, age).log_likelihood(params)


class _Histories:
    """Customers' (x, t_x, T) with each column's distinct values, so a likelihood evaluation
    computes its gammaln and log terms once per distinct value instead of once per customer (the
    fit evaluates it hundreds of times; frequencies and days take few distinct values). Every
    element gets the same operations on the same numbers as the plain formula, so the values are
    identical."""

    def __init__(self, frequency, recency, age) -> None:
        x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
        self.x, self.x_at = np.unique(x, return_inverse=True)
        self.tx, self.tx_at = np.unique(tx, return_inverse=True)
        self.t, self.t_at = np.unique(t, return_inverse=True)
        self.has_repeat = x > 0

    def log_likelihood(self, params: BetaGeoParams) -> np.ndarray:
        r, alpha, a, b = params.r, params.alpha, params.a, params.b
        x = self.x
        a1 = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha))[self.x_at]
        a2 = (special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x))[
            self.x_at
        ]
        r_x = (r + x)[self.x_at]
        a3 = -r_x * np.log(alpha + self.t)[self.t_at]
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = (np.log(a) - np.log(np.maximum(b + x - 1, _EPS)))[self.x_at]
            a4 = np.where(self.has_repeat, odds - r_x * np.log(alpha + self.tx)[self.tx_at], -np.inf)
        return a1 + a2 + np.logaddexp(a3, a4)


class BetaGeoModel:
    """BG/NBD purchase-count model, fitted by maximum likelihood on (frequency, recency, age).

    ``penalizer`` is a weak Gaussian prior on the log parameters (towards 1). Where the data say
    customers almost never drop out, the likelihood is flat in a and b and an unpenalised fit
    drifts to a, b -> 0, where equation (10) is numerically singular; the prior settles them at
    finite values without changing the fit elsewhere.
    """

    def __init__(self, penalizer: float = 1e-4) -> None:
        self.penalizer = penalizer

    def fit(self, frequency, recency, age) -> BetaGeoModel:
        """Fit on one row per customer; sets ``params_`` and ``log_likelihood_``."""
        x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
        _check_summary(x, tx, t)
        # Customers with the same (x, t_x, T) have the same likelihood: fit on the distinct
        # histories, weighted by how many customers share each (days make many share one).
        histories, weights = np.unique(np.column_stack([x, tx, t]), axis=0, return_counts=True)
        ux, utx, ut = histories.T
        scale = max(float(ut.max()), 1.0) / 10.0  # rescale time so the optimiser starts near the answer
        scaled = _Histories(ux, utx / scale, ut / scale)
        # Weighted sums by np.sum, not `@`: a BLAS dot spreads over threads, which made every
        # evaluation ~10x slower on a busy machine (threads waiting on each other) for ~27k terms.
        weights = weights.astype(float)

        def loss(log_params: np.ndarray) -> float:
            r, alpha, a, b = np.exp(log_params)
            ll = np.sum(scaled.log_likelihood(BetaGeoParams(r, alpha, a, b)) * weights)
            return -ll / len(x) + self.penalizer * float(np.sum(log_params**2))

        best = _minimise(loss, 4)
        r, alpha, a, b = np.exp(best.x)
        self.params_ = BetaGeoParams(float(r), float(alpha * scale), float(a), float(b))
        self.log_likelihood_ = float(np.sum(bgnbd_log_likelihood(self.params_, ux, utx, ut) * weights))
        self.converged_ = bool(best.success)
        return self

    def p_alive(self, frequency, recency, age) -> np.ndarray:
        """Probability each customer is still active at the as-of day (eq. 13)."""
        r, alpha, a, b = _bg(self)
        x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = (
                np.log(a) - np.log(np.maximum(b + x - 1, _EPS)) + (r + x) * (np.log(alpha + t) - np.log(alpha + tx))
            )
        return np.where(x > 0, special.expit(-log_odds), 1.0)

    def expected_purchases(self, horizon_days: float, frequency, recency, age) -> np.ndarray:
        """Expected transactions in the next ``horizon_days``, given each customer's history (eq. 10)."""
        r, alpha, a, b = _bg(self)
        x, tx, t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
        h = float(horizon_days)
        z = h / (alpha + t + h)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        first = (a + b + x - 1) / (a - 1)
        second = 1 - hyp * np.exp((r + x) * (np.log(alpha + t) - np.log(alpha + t + h)))
        return first * second * self.p_alive(x, tx, t)


class GammaGammaModel:
    """Gamma-Gamma spend model, fitted on customers with at least one repeat transaction."""

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(self, frequency, monetary) -> GammaGammaModel:
        """``monetary`` is each customer's mean repeat transaction value (> 0); sets ``params_``."""
        x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
        keep = (x > 0) & (m > 0)
        if keep.sum() < 2:
            raise ValueError("Gamma-Gamma needs at least 2 customers with a repeat purchase of positive value")
        x, m = x[keep], m[keep]
        scale = float(np.median(m))  # fit in units of the median spend, then scale gamma back
        spends = _Spends(x, m / scale)

        def loss(log_params: np.ndarray) -> float:
            p, q, g = np.exp(log_params)
            ll = spends.log_likelihood(p, q, g).sum()
            return -ll / len(x) + self.penalizer * float(np.sum(log_params**2))

        best = _minimise(loss, 3)
        p, q, g = np.exp(best.x)
        self.params_ = GammaGammaParams(float(p), float(q), float(g * scale))
        self.converged_ = bool(best.success)
        return self

    def expected_value(self, frequency, monetary) -> np.ndarray:
        """Expected value of a customer's next transaction (eq. 5); the population mean without history."""
        p, q, g = self.params_.p, self.params_.q, self.params_.gamma
        x = np.asarray(frequency, dtype=float)
        m = np.nan_to_num(np.asarray(monetary, dtype=float), nan=0.0)
        population_mean = p * g / (q - 1)
        weight = np.where(x > 0, p * x / (p * x + q - 1), 0.0)
        return (1 - weight) * population_mean + weight * m


def _gg_log_likelihood(p: float, q: float, g: float, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    return _Spends(x, m).log_likelihood(p, q, g)


class _Spends:
    """Repeat customers' (x, m) with the terms that do not depend on the parameters computed once,
    and the gammaln terms once per distinct frequency (see _Histories: same values, less work)."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.x, self.x_at = np.unique(x, return_inverse=True)
        self.log_m = np.log(m)
        self.x_m = x * m
        self.log_x = np.log(self.x)

    def log_likelihood(self, p: float, q: float, g: float) -> np.ndarray:
        px = p * self.x
        per_x = special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g)
        return (
            per_x[self.x_at]
            + (px - 1)[self.x_at] * self.log_m
            + (px * self.log_x)[self.x_at]
            - (px + q)[self.x_at] * np.log(self.x_m + g)
        )


def summarise(transactions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per customer from purchase days up to and including ``as_of`` (shapes in the module doc)."""
    _require_columns(transactions, ("user_key", "day", "value"))
    tx = transactions.assign(day=pd.to_datetime(transactions["day"]))
    tx = tx.loc[tx["day"] <= pd.Timestamp(as_of)]
    tx = tx.groupby(["user_key", "day"], as_index=False)["value"].sum()  # one transaction per purchase day
    grouped = tx.groupby("user_key", sort=True)
    first, last = grouped["day"].min(), grouped["day"].max()
    count = grouped["day"].nunique()
    first_value = grouped["value"].first()
    total = grouped["value"].sum()
    repeats = count - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_repeat = np.where(repeats > 0, (total - first_value) / repeats.where(repeats > 0, 1), np.nan)
    return pd.DataFrame(
        {
            "user_key": first.index,
            "count_purchase_days": count.to_numpy(),
            "frequency": repeats.to_numpy(),
            "recency_days": (last - first).dt.days.to_numpy(dtype=float),
            "age_days": (pd.Timestamp(as_of) - first).dt.days.to_numpy(dtype=float),
            "mean_repeat_value": mean_repeat,
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted vs actual repeat purchase days of the calibration customers in the holdout period."""

    split_day: date
    end_day: date
    customers: int
    predicted_purchases: float
    actual_purchases: float

    @property
    def holdout_days(self) -> int:
        return (self.end_day - self.split_day).days


def holdout_check(transactions: pd.DataFrame, split_day: date, end_day: date) -> tuple[HoldoutCheck, pd.DataFrame]:
    """Fit BG/NBD on purchase days up to ``split_day`` and compare with what happened after it.

    Returns the totals and a per-customer table ``user_key, frequency, predicted, actual``.
    """
    calibration = summarise(transactions, split_day)
    model = BetaGeoModel().fit(calibration["frequency"], calibration["recency_days"], calibration["age_days"])
    horizon = (end_day - split_day).days
    predicted = model.expected_purchases(
        horizon, calibration["frequency"], calibration["recency_days"], calibration["age_days"]
    )
    days = pd.to_datetime(transactions["day"])
    later = transactions.loc[(days > pd.Timestamp(split_day)) & (days <= pd.Timestamp(end_day))]
    actual = later.groupby("user_key")["day"].nunique()
    table = calibration[["user_key", "frequency"]].assign(
        predicted=predicted, actual=calibration["user_key"].map(actual).fillna(0).to_numpy()
    )
    check = HoldoutCheck(split_day, end_day, len(table), float(table["predicted"].sum()), float(table["actual"].sum()))
    return check, table


@dataclass(frozen=True)
class CustomerValue:
    """The fitted models and one row per customer: ``summarise`` columns plus ``p_alive,
    expected_purchases, expected_value, clv``."""

    bgnbd: BetaGeoParams
    gamma_gamma: GammaGammaParams | None
    customers: pd.DataFrame


def customer_value(transactions: pd.DataFrame, as_of: date, horizon_days: int = 365) -> CustomerValue:
    """Fit both models on all history up to ``as_of`` and score every customer over the horizon.

    CLV is undiscounted: expected purchase days in the horizon times the expected net value of one.
    Without enough repeat buyers for Gamma-Gamma, the expected value is the customer's own mean.
    """
    summary = summarise(transactions, as_of)
    x, tx, t = summary["frequency"], summary["recency_days"], summary["age_days"]
    bg = BetaGeoModel().fit(x, tx, t)
    out = summary.assign(p_alive=bg.p_alive(x, tx, t), expected_purchases=bg.expected_purchases(horizon_days, x, tx, t))
    mean_value = transactions.groupby("user_key")["value"].mean()
    try:
        gg = GammaGammaModel().fit(x, summary["mean_repeat_value"])
        out["expected_value"] = gg.expected_value(x, summary["mean_repeat_value"])
        gg_params = gg.params_
    except ValueError:
        out["expected_value"] = summary["user_key"].map(mean_value).to_numpy()
        gg_params = None
    out["clv"] = out["expected_purchases"] * out["expected_value"]
    return CustomerValue(bg.params_, gg_params, out)


def default_split(first_day: date, last_day: date, max_holdout_days: int = 90) -> date | None:
    """The split day for a shop's own holdout check: the last third of its history, at most 90 days."""
    span = (last_day - first_day).days
    holdout = min(max_holdout_days, span // 3)
    return last_day - timedelta(days=holdout) if holdout >= 7 else None


def _minimise(loss, n_params: int) -> optimize.OptimizeResult:
    """Minimise over log parameters from all-ones: L-BFGS-B, with Nelder-Mead as the fallback
    when the gradient steps fail (flat or non-finite regions)."""
    start = np.zeros(n_params)
    best = optimize.minimize(loss, start, method="L-BFGS-B", options={"maxiter": 500})
    if not best.success or not np.isfinite(best.fun):
        best = optimize.minimize(
            loss, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000, "maxfev": 8000}
        )
    return best


def _bg(model: BetaGeoModel) -> tuple[float, float, float, float]:
    p = model.params_
    return p.r, p.alpha, p.a, p.b


def _check_summary(x: np.ndarray, tx: np.ndarray, t: np.ndarray) -> None:
    if len(x) < 2:
        raise ValueError("BG/NBD needs at least 2 customers")
    if (x < 0).any() or (tx < 0).any() or (tx > t).any():
        raise ValueError("BG/NBD input must have frequency >= 0 and 0 <= recency_days <= age_days")


def _require_columns(df: pd.DataFrame, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}; expected {', '.join(needed)}")
