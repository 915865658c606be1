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

The two agree to a fraction of a percentage point in the ranges used for planning. Both assume
simple random samples of independent respondents: clustering (respondents within organisations)
or weighting inflate the variance, so divide the n by the design effect first when it is known.
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower

Method = Literal["arcsine", "normal"]
Direction = Literal["increase", "decrease"]
METHODS: tuple[str, ...] = ("arcsine", "normal")


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
    if method == "arcsine":
        return float(
            NormalIndPower().power(abs(cohens_h(p1, p2)), nobs1=n1, alpha=alpha, ratio=n2 / n1)
        )
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    null_se = math.sqrt(pbar * (1.0 - pbar) * (1.0 / n1 + 1.0 / n2))
    alt_se = math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return float(stats.norm.cdf((abs(p2 - p1) - z * null_se) / alt_se))


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
