"""Tests of association in a two-way table: Pearson chi-square with Cramér's V, and the
linear-by-linear (Mantel-Haenszel) trend test across ordered categories.

The chi-square test asks whether the answer distribution differs between groups at all; Cramér's V
says how strongly (0 = none, 1 = complete). When the groups are ordered (role levels, pay bands) the
trend test is the more powerful question: does the outcome rise or fall steadily along the order?
It uses one degree of freedom: ``M^2 = (N - 1) r^2``, where ``r`` is the Pearson correlation between
the row and column scores over the N respondents (Agresti, *An Introduction to Categorical Data
Analysis*, 2nd ed., section 2.5.1).

**Small expected counts, one rule everywhere** (:func:`small_expected`): the chi-square
approximation is used only when no expected count is below 1 and at most 20% are below 5
(Cochran 1954, the rule of thumb in Agresti section 2.4.7). Otherwise the p-value is exact or
Monte-Carlo, computed with the margins fixed: Fisher's exact test (two-sided, scipy's
``fisher_exact``) for a 2 x 2 table, and for larger tables (and the trend test) the share of
:data:`MONTE_CARLO_TABLES` random tables with the observed margins (Patefield's algorithm,
``scipy.stats.random_table``; fixed seed, so reruns agree) whose statistic is at least the
observed one, ``(1 + #) / (B + 1)`` as R's ``chisq.test(simulate.p.value = TRUE)``. The
``p_method`` field says which was used. Every chi-square in the workbench goes through these two
functions. Both tests assume independent observations: respondents
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

MONTE_CARLO_TABLES = 9999
MONTE_CARLO_SEED = 20240601
ASYMPTOTIC = "asymptotic chi-square"
FISHER = "Fisher exact (two-sided)"
MONTE_CARLO = f"Monte-Carlo, {MONTE_CARLO_TABLES} tables with fixed margins"


def small_expected(expected: np.ndarray) -> bool:
    """The rule: True (do not trust the chi-square approximation) when any expected count is
    below 1 or more than 20% of them are below 5."""
    expected = np.asarray(expected, dtype=float)
    return bool(expected.min() < 1 or (expected < 5).mean() > 0.20)


def _expected(counts: np.ndarray) -> np.ndarray:
    return np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()


def monte_carlo_p(counts: np.ndarray, statistic, tables: int = MONTE_CARLO_TABLES) -> float:
    """``(1 + #{T >= T_obs}) / (B + 1)`` over ``B`` random tables with the observed margins."""
    counts = np.asarray(counts, dtype=np.int64)
    rng = np.random.default_rng(MONTE_CARLO_SEED)
    draws = stats.random_table(counts.sum(axis=1), counts.sum(axis=0), seed=rng).rvs(tables)
    observed = statistic(counts[None, :, :])[0]
    simulated = statistic(draws)
    return float((1 + np.sum(simulated >= observed * (1 - 1e-12))) / (tables + 1))


def _pearson(tables: np.ndarray) -> np.ndarray:
    """Pearson X^2 of a stack of tables with the same margins (tables x rows x columns)."""
    expected = _expected(tables[0])
    return (((tables - expected) ** 2) / expected).sum(axis=(1, 2))


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
    Returns ``statistic, df, p_value, cramers_v, n, min_expected, share_expected_below_5,
    p_method, method``: where :func:`small_expected` says the approximation fails, ``p_value`` is
    Fisher's exact (2 x 2) or Monte-Carlo (larger) instead (module docstring), and ``p_method``
    says which. Counts must be whole numbers: a chi-square on weighted totals is not a valid test
    (it would need a Rao-Scott correction).
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
                "p_method": "",
                "method": "Pearson chi-square: not computable "
                "(fewer than 2 non-empty rows or columns)",
            }
        )
    result = stats.chi2_contingency(counts, correction=False)
    expected = result.expected_freq
    p_value, p_method = float(result.pvalue), ASYMPTOTIC
    if small_expected(expected):
        if counts.shape == (2, 2):
            p_value, p_method = float(stats.fisher_exact(counts).pvalue), FISHER
        else:
            p_value, p_method = monte_carlo_p(counts, _pearson), MONTE_CARLO
    return pd.Series(
        {
            "statistic": float(result.statistic),
            "df": int(result.dof),
            "p_value": p_value,
            "cramers_v": float(association(counts, method="cramer", correction=False)),
            "n": float(counts.sum()),
            "min_expected": float(expected.min()),
            "share_expected_below_5": float((expected < 5).mean()),
            "p_method": p_method,
            "method": "Pearson chi-square test of independence (no continuity correction); "
            f"Cramér's V; p-value: {p_method}",
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
    p_value = float(stats.chi2.sf(m2, 1)) if np.isfinite(m2) else np.nan
    p_method = ASYMPTOTIC
    if np.isfinite(m2) and small_expected(_expected(counts[row_tot > 0][:, col_tot > 0])):
        uu, vv = u[row_tot > 0], v[col_tot > 0]
        sub = counts[row_tot > 0][:, col_tot > 0].astype(np.int64)

        def m2_of(tables: np.ndarray) -> np.ndarray:
            # margins are fixed, so M^2 is monotone in |sum u_i v_j n_ij - n u_bar v_bar|
            return np.abs(np.einsum("i,kij,j->k", uu, tables, vv) - n * u_bar * v_bar)

        p_value, p_method = monte_carlo_p(sub, m2_of), MONTE_CARLO
    return pd.Series(
        {
            "statistic": float(m2),
            "df": 1,
            "p_value": p_value,
            "r": float(r),
            "n": float(n),
            "p_method": p_method,
            "method": "linear-by-linear association test, M^2 = (N-1) r^2, 1 df; "
            f"p-value: {p_method}",
        }
    )
