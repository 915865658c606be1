"""Multiple-testing correction with the method always named.

Many breakdowns (items x groups) produce many p-values; reading each at 5% finds "differences"
by chance. ``holm`` controls the family-wise error rate (the chance of any false finding);
``fdr_bh`` (Benjamini-Hochberg) controls the expected share of false findings among those declared,
and is the usual choice for exploratory breakdowns. statsmodels' ``multipletests`` defaults to
Holm-Sidak, so the method here has no default: a table always says which correction it used.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.multitest import multipletests

Method = Literal["holm", "fdr_bh", "bonferroni"]


def adjust_pvalues(p_values: ArrayLike, method: Method, alpha: float = 0.05) -> pd.DataFrame:
    """Adjusted p-values and decisions for ``method``: ``"holm"``, ``"fdr_bh"``, ``"bonferroni"``.

    NaN p-values (tests that could not be computed) stay NaN and are not counted in the family.
    Returns ``p_value, p_adjusted, reject, method`` in the input order.

    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm")["p_adjusted"].round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    if method not in ("holm", "fdr_bh", "bonferroni"):
        raise ValueError(f"unknown correction {method!r}: use 'holm', 'fdr_bh' or 'bonferroni'")
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    reject = np.zeros(p.shape, dtype=bool)
    ok = ~np.isnan(p)
    if ok.any():
        reject[ok], adjusted[ok], _, _ = multipletests(p[ok], alpha=alpha, method=method)
    return pd.DataFrame({"p_value": p, "p_adjusted": adjusted, "reject": reject, "method": method})
