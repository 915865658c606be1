"""Tests of association in a two-way table: Pearson chi-square with Cramér's V, and the
linear-by-linear (Mantel-Haenszel) trend test across ordered categories.

The chi-square test asks whether the answer distribution differs between groups at all; Cramér's V
says how strongly (0 = none, 1 = complete). When the groups are ordered (role levels, pay bands) the
trend test is the more powerful question: does the outcome rise or fall steadily along the order?
It uses one degree of freedom: ``M^2 = (N - 1) r^2``, where ``r`` is the Pearson correlation between
the row and column scores over the N respondents (Agresti, *An Introduction to Categorical Data
Analysis*, 2nd ed., section 2.5.1). Both tests assume independent observations: respondents
clustered in organisations make them somewhat anti-conservative, so the adjusted models in
:mod:`.regression` use cluster-robust errors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from scipy.stats.contingency import association


def _drop_empty(table: np.ndarray, labels: tuple[list, list]) -> tuple[np.ndarray, list, list]:
    rows = table.sum(axis=1) > 0
    cols = table.sum(axis=0) > 0
    return (
        table[np.ix_(rows, cols)],
        [x for x, keep in zip(labels[0], rows, strict=True) if keep],
        [x for x, keep in zip(labels[1], cols, strict=True) if keep],
    )


def chi_square_test(table: pd.DataFrame | ArrayLike) -> pd.Series:
    """Pearson chi-square test of independence (no continuity correction) and Cramér's V.

    ``table`` is a two-way table of counts (a DataFrame from
    :func:`evaluation.stats.crosstabs.contingency_table`, say). Rows and columns with no
    respondents are dropped first (they carry no information and would make expected counts zero).
    Returns ``statistic, df, p_value, cramers_v, n, min_expected, share_expected_below_5, method``:
    the classical rule of thumb wants no expected count below 1 and at most 20% below 5; the
    last two fields let a reader judge that. Counts must be whole numbers: a chi-square on weighted
    totals is not a valid test (it would need a Rao-Scott correction).
    """
    counts = np.asarray(table, dtype=float)
    if not np.all(np.mod(counts, 1) == 0):
        raise TypeError("chi_square_test needs respondent counts, not weighted totals")
    counts = counts.astype(np.int64)
    labels = (
        (list(table.index), list(table.columns))
        if isinstance(table, pd.DataFrame)
        else (list(range(counts.shape[0])), list(range(counts.shape[1])))
    )
    counts, _, _ = _drop_empty(counts, labels)
    if min(counts.shape) < 2:
        return pd.Series(
            {
                "statistic": np.nan,
                "df": 0,
                "p_value": np.nan,
                "cramers_v": np.nan,
                "n": float(counts.sum()),
                "min_expected": np.nan,
                "share_expected_below_5": np.nan,
                "method": "Pearson chi-square: not computable "
                "(fewer than 2 non-empty rows or columns)",
            }
        )
    result = stats.chi2_contingency(counts, correction=False)
    expected = result.expected_freq
    return pd.Series(
        {
            "statistic": float(result.statistic),
            "df": int(result.dof),
            "p_value": float(result.pvalue),
            "cramers_v": float(association(counts, method="cramer", correction=False)),
            "n": float(counts.sum()),
            "min_expected": float(expected.min()),
            "share_expected_below_5": float((expected < 5).mean()),
            "method": "Pearson chi-square test of independence (no continuity correction); "
            "Cramér's V",
        }
    )


def linear_by_linear(
    table: pd.DataFrame | ArrayLike,
    row_scores: Sequence[float] | None = None,
    col_scores: Sequence[float] | None = None,
) -> pd.Series:
    """Linear-by-linear association (trend) test for an ordered two-way table.

    ``M^2 = (N - 1) r^2`` with ``r`` the correlation of the row and column scores weighted by the
    cell counts; under independence ``M^2`` is chi-square with 1 df. Default scores are 1, 2, ...
    (equally spaced). The sign of ``r`` gives the direction (positive: later rows go with later
    columns). Rows or columns with no respondents are kept: with fixed scores they do not change
    ``r``. Returns ``statistic, df, p_value, r, n, method``.

    Agresti's infant malformation by maternal alcohol table, scores 0, 0.5, 1.5, 4, 7:

    >>> t = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]
    >>> res = linear_by_linear(t, row_scores=[0, 0.5, 1.5, 4, 7], col_scores=[0, 1])
    >>> round(res["statistic"], 2), round(res["r"], 4)
    (6.57, 0.0142)
    """
    counts = np.asarray(table, dtype=float)
    u = np.arange(1, counts.shape[0] + 1, dtype=float) if row_scores is None else row_scores
    v = np.arange(1, counts.shape[1] + 1, dtype=float) if col_scores is None else col_scores
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    if u.shape[0] != counts.shape[0] or v.shape[0] != counts.shape[1]:
        raise ValueError("one score per row and per column is needed")
    n = counts.sum()
    row_tot, col_tot = counts.sum(axis=1), counts.sum(axis=0)
    u_bar, v_bar = (row_tot @ u) / n, (col_tot @ v) / n
    cov = ((u - u_bar)[:, None] * (v - v_bar)[None, :] * counts).sum()
    var_u = (row_tot * (u - u_bar) ** 2).sum()
    var_v = (col_tot * (v - v_bar) ** 2).sum()
    r = cov / np.sqrt(var_u * var_v) if var_u > 0 and var_v > 0 else np.nan
    m2 = (n - 1) * r**2
    return pd.Series(
        {
            "statistic": float(m2),
            "df": 1,
            "p_value": float(stats.chi2.sf(m2, 1)) if np.isfinite(m2) else np.nan,
            "r": float(r),
            "n": float(n),
            "method": "linear-by-linear association test, M^2 = (N-1) r^2, 1 df",
        }
    )
