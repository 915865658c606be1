"""Relative likelihood between two groups (the WRES convention), with a 95% interval.

The Workforce Race Equality Standard reports how much more likely one group is than another to
experience an outcome as the ratio of the two proportions: 1.00 is parity, above 1.00 the first
group is more likely. The interval is the usual log-scale (Katz) interval for a risk ratio, from
statsmodels' ``Table2x2.riskratio_confint``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import Table2x2


def relative_likelihood(
    count_a: int, n_a: int, count_b: int, n_b: int, alpha: float = 0.05
) -> pd.Series:
    """Likelihood of the outcome in group A relative to group B: ``(count_a/n_a) / (count_b/n_b)``.

    Returns ``relative_likelihood, ci_low, ci_high, pct_a, pct_b, n_a, n_b, count_a, count_b,
    method``. Undefined (NaN) when either group is empty or group B has no events; with a zero cell
    the interval is also NaN rather than an arbitrary continuity correction.

    >>> r = relative_likelihood(30, 100, 15, 100)
    >>> round(r["relative_likelihood"], 2)
    2.0
    """
    result = {
        "relative_likelihood": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "pct_a": 100 * count_a / n_a if n_a else np.nan,
        "pct_b": 100 * count_b / n_b if n_b else np.nan,
        "n_a": n_a,
        "n_b": n_b,
        "count_a": count_a,
        "count_b": count_b,
        "method": "ratio of proportions (WRES relative likelihood, 1.00 = parity); "
        "log-scale Wald 95% interval",
    }
    if n_a and n_b and count_b:
        result["relative_likelihood"] = (count_a / n_a) / (count_b / n_b)
        if count_a and count_a < n_a and count_b < n_b:
            table = Table2x2(np.array([[count_a, n_a - count_a], [count_b, n_b - count_b]]))
            low, high = table.riskratio_confint(alpha=alpha)
            result["ci_low"], result["ci_high"] = float(low), float(high)
    return pd.Series(result)
