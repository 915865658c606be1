"""Power for comparing two independent proportions: what difference a survey can detect.

Two questions come up when a survey is repeated: *given the sample sizes we have (or expect), what
is the smallest change in a percentage that we would detect with 80% power?* and *how many
respondents per wave would we need to detect a change of 5 percentage points?* Both are answered
here for a two-sided test of two independent proportions at significance level ``alpha``.

Two standard approximations are offered, and the tests check them against each other:

- ``"arcsine"`` (default): Cohen's effect size ``h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1))``, whose
  sampling variance ``1/n1 + 1/n2`` does not depend on p; solved with statsmodels'
  ``NormalIndPower`` (Cohen 1988, ch. 6) and converted back to a difference of proportions.
- ``"normal"``: the pooled-variance normal approximation to the two-sample test of proportions
  (Fleiss, Levin and Paik 2003, section 4.2; R's ``power.prop.test``, generalised to unequal n):
  ``power = Phi((|p2 - p1| - z * sqrt(pbar qbar (1/n1 + 1/n2))) / sqrt(p1 q1/n1 + p2 q2/n2))``
  with ``z = z_{1 - alpha/2}`` and ``pbar`` the n-weighted mean of p1 and p2.

- ``"exact"``: the real power of the test the year-on-year table uses (the pooled two-proportion
  z-test, i.e. the 2 x 2 chi-square without continuity correction, or Fisher's exact test where an
  expected count is below 5), summed exactly over the two binomial distributions:
  ``sum P(x1) P(x2) [the test rejects at (x1, x2)]``. No approximation,
  so nominal power is real power; the two approximations above can be several points off near 0%
  or 100% and for small samples, where the normal approximation to the test itself is poor.

The approximations agree to a fraction of a percentage point in the middle of the range. All assume
simple random samples of independent respondents: clustering (respondents within organisations)
or weighting inflate the variance, so divide the n by the design effect first when it is known.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln
from statsmodels.stats.power import NormalIndPower

Method = Literal["arcsine", "normal", "exact"]
Direction = Literal["increase", "decrease"]
METHODS: tuple[str, ...] = ("arcsine", "normal", "exact")
EXACT_TAIL = 1e-12  # binomial outcomes beyond these tail probabilities are left out of the sum


def _check(p: float, power: float, alpha: float, method: str) -> None:
    if not 0.0 < p < 1.0:
        raise ValueError(f"baseline proportion must be strictly between 0 and 1, not {p!r}")
    if not 0.0 < alpha < 1.0 or not 0.0 < power < 1.0:
        raise ValueError("alpha and power must be strictly between 0 and 1")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions, ``2 asin(sqrt(p2)) - 2 asin(sqrt(p1))``."""
    return 2.0 * math.asin(math.sqrt(p2)) - 2.0 * math.asin(math.sqrt(p1))


def power_two_proportions(
    p1: float, p2: float, n1: float, n2: float, alpha: float = 0.05, method: Method = "arcsine"
) -> float:
    """Power of the two-sided test of ``p1 == p2`` with ``n1`` and ``n2`` independent respondents.

    With ``method="normal"`` this is R's ``power.prop.test`` (non-strict: the small chance of
    rejecting in the wrong direction is not counted) extended to unequal sample sizes.

    >>> round(power_two_proportions(0.50, 0.75, 50, 50, method="normal"), 3)
    0.74
    """
    _check(p1, 0.5, alpha, method)
    if method == "exact":
        return exact_power(p1, p2, round(n1), round(n2), alpha)
    if method == "arcsine":
        return float(
            NormalIndPower().power(abs(cohens_h(p1, p2)), nobs1=n1, alpha=alpha, ratio=n2 / n1)
        )
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    null_se = math.sqrt(pbar * (1.0 - pbar) * (1.0 / n1 + 1.0 / n2))
    alt_se = math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return float(stats.norm.cdf((abs(p2 - p1) - z * null_se) / alt_se))


def _log_choose(n: int, k: np.ndarray | int) -> np.ndarray:
    return gammaln(n + 1) - gammaln(np.asarray(k) + 1) - gammaln(n - np.asarray(k) + 1)


def exact_power(p1: float, p2: float, n1: int, n2: int, alpha: float = 0.05) -> float:
    """Exact power of the test of ``p1 == p2`` that :func:`evaluation.stats.chi_square_test`
    applies to the 2 x 2 table: the pooled z-test, or Fisher's exact test (two-sided) where an
    expected count is below 5.

    Sums the two binomial probabilities over every outcome ``(x1, x2)`` the test rejects
    (outcomes with probability below :data:`EXACT_TAIL` in either tail are left out; the error is
    below 1e-11). A table with no successes or no failures at all is never rejected.

    >>> round(exact_power(0.5, 0.5, 40, 40), 4) <= 0.06
    True
    """
    if n1 < 1 or n2 < 1:
        raise ValueError("sample sizes must be at least 1")
    z = stats.norm.ppf(1.0 - alpha / 2.0)

    def support(p: float, n: int) -> np.ndarray:
        low = int(stats.binom.ppf(EXACT_TAIL, n, p))
        high = int(stats.binom.isf(EXACT_TAIL, n, p))
        return np.arange(max(0, low - 1), min(n, high + 1) + 1)

    x1, x2 = support(p1, n1), support(p2, n2)
    w1, w2 = stats.binom.pmf(x1, n1, p1), stats.binom.pmf(x2, n2, p2)
    a, b = x1[:, None] / n1, x2[None, :] / n2
    pooled = (x1[:, None] + x2[None, :]) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        reject = np.where(var > 0, (a - b) ** 2 > z**2 * var, False)
    # where the 2 x 2 table's expected counts are small the workbench uses Fisher's exact test
    # (evaluation.stats.association.small_expected: for 2 x 2, any expected count below 5)
    total = n1 + n2
    totals = x1[:, None] + x2[None, :]
    sparse = min(n1, n2) * np.minimum(totals, total - totals) / total < 5
    for t in np.unique(totals[sparse]):
        support_t = np.arange(max(0, t - n2), min(n1, t) + 1)
        pmf = np.exp(
            _log_choose(n1, support_t) + _log_choose(n2, t - support_t) - _log_choose(total, t)
        )
        # two-sided Fisher p: the probability of tables no more likely than the observed one
        order = np.sort(pmf)
        cumulative = np.concatenate([[0.0], np.cumsum(order)])
        p_fisher = cumulative[np.searchsorted(order, pmf * (1 + 1e-7), side="right")]
        rows, cols = np.nonzero(totals == t)
        reject[rows, cols] = (p_fisher < alpha)[x1[rows] - support_t[0]]
    return float(w1 @ reject.astype(float) @ w2)


def minimum_detectable_difference(
    p: float,
    n1: float,
    n2: float,
    power: float = 0.80,
    alpha: float = 0.05,
    direction: Direction = "increase",
    method: Method = "arcsine",
) -> float:
    """Smallest change from baseline ``p`` (a proportion, 0-1) detected with ``power``.

    ``n1`` is the baseline sample, ``n2`` the comparison sample. The answer depends on the
    direction (binomial variance is largest at 0.5, so a change towards 0.5 must be larger to be
    detected than one away from it), so ``direction`` says which. Returned as a positive
    difference of proportions (0.05 = 5 percentage points); NaN when no attainable proportion
    reaches the power (a baseline near 0 or 1, tiny samples).

    >>> round(minimum_detectable_difference(0.5, 50, 50, power=0.90, method="normal"), 4)
    0.3026
    """
    _check(p, power, alpha, method)
    sign = 1.0 if direction == "increase" else -1.0
    if direction not in ("increase", "decrease"):
        raise ValueError("direction must be 'increase' or 'decrease'")
    if method == "exact":
        return _exact_mdd(p, round(n1), round(n2), power, alpha, sign)
    if method == "arcsine":
        h = NormalIndPower().solve_power(nobs1=n1, alpha=alpha, power=power, ratio=n2 / n1)
        angle = math.asin(math.sqrt(p)) + sign * float(h) / 2.0
        if not 0.0 <= angle <= math.pi / 2.0:
            return math.nan
        return abs(math.sin(angle) ** 2 - p)
    limit = 1.0 - p if direction == "increase" else p
    eps = 1e-9

    def shortfall(d: float) -> float:
        return power_two_proportions(p, p + sign * d, n1, n2, alpha, "normal") - power

    if shortfall(limit - eps) < 0:
        return math.nan
    return float(optimize.brentq(shortfall, eps, limit - eps, xtol=1e-10))


def _exact_mdd(p: float, n1: int, n2: int, power: float, alpha: float, sign: float) -> float:
    """Smallest change reaching ``power`` exactly (bisection; exact power rises with the change)."""
    limit = 1.0 - p if sign > 0 else p
    eps = 1e-6
    if exact_power(p, p + sign * (limit - eps), n1, n2, alpha) < power:
        return math.nan
    low, high = 0.0, limit - eps
    while high - low > 1e-5:
        mid = (low + high) / 2
        if exact_power(p, p + sign * mid, n1, n2, alpha) >= power:
            high = mid
        else:
            low = mid
    return high


def sample_size_per_group(
    p1: float,
    p2: float,
    power: float = 0.80,
    alpha: float = 0.05,
    ratio: float = 1.0,
    method: Method = "arcsine",
) -> int:
    """Respondents needed in the first sample (the second has ``ratio`` times as many).

    Rounded up to a whole respondent. With ``method="normal"`` and ``ratio=1`` this is the
    closed form behind R's ``power.prop.test``:
    ``n = (z_a sqrt(2 pbar qbar) + z_b sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2``.

    >>> sample_size_per_group(0.50, 0.75, power=0.90, method="normal")
    77
    """
    _check(p1, power, alpha, method)
    _check(p2, power, alpha, method)
    if p1 == p2:
        raise ValueError("p1 and p2 are equal: no sample size detects a zero difference")
    if method == "exact":
        return _exact_sample_size(p1, p2, power, alpha, ratio)
    if method == "arcsine":
        n = NormalIndPower().solve_power(
            effect_size=abs(cohens_h(p1, p2)), alpha=alpha, power=power, ratio=ratio
        )
        return math.ceil(float(n) - 1e-9)
    z_a = stats.norm.ppf(1.0 - alpha / 2.0)
    z_b = stats.norm.ppf(power)
    pbar = (p1 + ratio * p2) / (1.0 + ratio)
    null_sd = math.sqrt(pbar * (1.0 - pbar) * (1.0 + 1.0 / ratio))
    alt_sd = math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2) / ratio)
    n = (z_a * null_sd + z_b * alt_sd) ** 2 / (p1 - p2) ** 2
    return math.ceil(n - 1e-9)


def _exact_sample_size(p1: float, p2: float, power: float, alpha: float, ratio: float) -> int:
    """Smallest ``n`` (first sample) from which exact power stays at or above ``power``.

    Exact power is not monotone in n (it saw-tooths by a point or so), so the answer is the
    smallest n reaching the power found by bisection on the normal-approximation bracket, then
    checked upward until it holds for the next 10 sizes too.
    """

    def ok(n: int) -> bool:
        return exact_power(p1, p2, n, max(1, round(ratio * n)), alpha) >= power

    guess = sample_size_per_group(p1, p2, power, alpha, ratio, "normal")
    low, high = max(1, guess // 2), max(2, guess)
    while not ok(high):
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if ok(mid):
            high = mid
        else:
            low = mid
    n = high
    while not all(ok(n + k) for k in range(1, 11)):
        n += 1
    return n
