"""Proportions with Wilson 95% intervals, unweighted or weighted (Kish effective sample size).

The Wilson score interval keeps its coverage near the nominal 95% for small samples and for
proportions near 0 or 1, where the textbook (Wald) interval fails; it equals R's
``prop.test(x, n, correct = FALSE)$conf.int``. statsmodels' ``proportion_confint`` defaults to
Wald, so the method is always named.

With survey weights the point estimate is the weighted share and the interval is the Wilson
interval computed on the Kish effective sample size ``n_eff = (sum w)^2 / sum w^2``: the design
effect of unequal weights is taken into account, clustering and stratification are not. The
``method`` column says which interval a row carries.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.proportion import proportion_confint

WILSON = "Wilson score 95% interval"
WILSON_KISH = "Wilson score 95% interval on the Kish effective sample size (weighted)"


def wilson_interval(
    count: ArrayLike, n: ArrayLike, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes out of ``n`` (vectorised; proportions 0-1).

    ``count`` and ``n`` may be non-integer (a weighted share times an effective n). Where ``n`` is 0
    the interval is NaN.

    >>> low, high = wilson_interval(81, 263)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    count, n = np.broadcast_arrays(count, n)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 0
    if ok.any():
        lo, hi = proportion_confint(count[ok], n[ok], alpha=alpha, method="wilson")
        low[ok], high[ok] = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
    return low, high


def kish_effective_n(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (n when all weights are equal)."""
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    total_sq = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / total_sq) if total_sq > 0 else 0.0


def proportion(
    success: pd.Series, weights: pd.Series | None = None, alpha: float = 0.05
) -> pd.Series:
    """Share of ``True`` in a boolean Series (``NA`` = not answered, left out of n), with interval.

    Returns a Series ``n, count, pct, ci_low, ci_high, method`` (pct and interval 0-100); with
    ``weights`` also ``n_eff`` and ``weighted_n``. ``n`` and ``count`` are always respondent counts
    (what disclosure control needs); ``pct`` is the weighted share when weights are given.
    """
    frame = pd.DataFrame({"_y": success})
    if weights is not None:
        frame["_w"] = weights
    row = _summarise(frame, "_y", "_w" if weights is not None else None, alpha)
    return pd.Series(row)


def _summarise(frame: pd.DataFrame, y: str, w: str | None, alpha: float) -> dict[str, object]:
    """Counts, share and interval for one group (helper shared with the crosstab functions)."""
    answered = frame[y].notna()
    values = frame.loc[answered, y].astype(bool).to_numpy()
    n = int(answered.sum())
    count = int(values.sum())
    if w is None:
        low, high = wilson_interval(count, n, alpha)
        share = count / n if n else np.nan
        return {
            "n": n,
            "count": count,
            "pct": 100 * share,
            "ci_low": 100 * float(low),
            "ci_high": 100 * float(high),
            "method": WILSON,
        }
    weights = frame.loc[answered, w].to_numpy(dtype=float)
    total = float(weights.sum())
    share = float(weights[values].sum() / total) if total > 0 else np.nan
    n_eff = kish_effective_n(weights)
    low, high = wilson_interval(share * n_eff if n_eff else 0.0, n_eff, alpha)
    return {
        "n": n,
        "count": count,
        "pct": 100 * share,
        "ci_low": 100 * float(low),
        "ci_high": 100 * float(high),
        "n_eff": n_eff,
        "weighted_n": total,
        "method": WILSON_KISH,
    }


def newcombe_difference(
    x1: float, n1: float, x2: float, n2: float, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Difference ``p1 - p2`` of two independent proportions with Newcombe's hybrid interval.

    With ``(l1, u1)`` and ``(l2, u2)`` the Wilson intervals of ``p1 = x1/n1`` and ``p2 = x2/n2``:
    ``lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)``, ``upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``
    (Newcombe 1998, method 10). Returns ``(difference, lower, upper)`` as proportions (0-1).

    >>> [round(v, 4) for v in newcombe_difference(56, 70, 48, 80)]
    [0.2, 0.0524, 0.3339]
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan, math.nan)
    (l1, l2), (u1, u2) = wilson_interval([x1, x2], [n1, n2], alpha)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (d, float(lower), float(upper))
