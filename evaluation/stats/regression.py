"""Logistic regression with odds ratios, 95% intervals and cluster-robust errors.

Fitted with statsmodels' GLM (binomial, logit link) on the collapsed table (see :mod:`.design`):
frequency weights there are true replication counts, so estimates and model-based errors equal the
row-level fit. With ``cluster`` (organisation, say) the covariance is the cluster-robust sandwich
with statsmodels' small-sample factor, computed from cluster sums of score contributions; it allows
respondents in the same organisation to be correlated. With fewer than ``min_clusters`` clusters
the sandwich is unreliable and model-based errors are used instead (``method`` says so).
Intervals and p-values are Wald (normal) on the log-odds scale, odds ratios are their exponentials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from evaluation.stats.crosstabs import success_indicator
from evaluation.stats.design import CollapsedDesign, Term, cluster_robust_cov, collapse

COEFFICIENT_COLUMNS = [
    "term",
    "log_odds",
    "std_error",
    "ci_low",
    "ci_high",
    "odds_ratio",
    "or_ci_low",
    "or_ci_high",
    "p_value",
]
INTERCEPT = "(Intercept)"
MIN_CLUSTERS = 10


@dataclass
class ModelResult:
    """A fitted model that describes itself: tidy coefficients, n, exclusions, method."""

    coefficients: pd.DataFrame
    n: int
    n_excluded: int
    method: str
    n_clusters: int | None
    log_likelihood: float
    converged: bool
    cov: np.ndarray
    level_counts: dict[str, int]


def coefficient_table(
    names: Sequence[str],
    estimates: np.ndarray,
    cov: np.ndarray,
    terms: Sequence[Term | None],
    kinds: Sequence[str],
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Tidy frame of Wald estimates: log-odds, SE, interval, odds ratio and its interval, p-value.

    ``kinds`` labels each row (``intercept``, ``threshold``, ``slope``); thresholds of an ordinal
    model are cut points on the log-odds scale, not odds ratios, so their odds-ratio columns are
    NaN. Extra columns ``kind, variable, level, reference`` say what each term compares.
    """
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    z = stats.norm.ppf(1 - alpha / 2)
    low, high = estimates - z * se, estimates + z * se
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(estimates / se))
        odds = np.exp(np.column_stack([estimates, low, high]))
    table = pd.DataFrame(
        {
            "term": list(names),
            "log_odds": estimates,
            "std_error": se,
            "ci_low": low,
            "ci_high": high,
            "odds_ratio": odds[:, 0],
            "or_ci_low": odds[:, 1],
            "or_ci_high": odds[:, 2],
            "p_value": p,
            "kind": list(kinds),
            "variable": [t.variable if t else None for t in terms],
            "level": [t.level if t else None for t in terms],
            "reference": [t.reference if t else None for t in terms],
        }
    )
    table.loc[table["kind"] == "threshold", ["odds_ratio", "or_ci_low", "or_ci_high"]] = np.nan
    return table


def logistic_regression(
    frame: pd.DataFrame,
    outcome: str,
    categorical: Mapping[str, str] | None = None,
    numeric: Sequence[str] = (),
    positive: Sequence[str] | None = None,
    cluster: str | None = None,
    alpha: float = 0.05,
    min_clusters: int = MIN_CLUSTERS,
) -> ModelResult:
    """Logistic regression of a binary outcome on categorical (dummy) and numeric predictors.

    ``outcome`` is a boolean column, or a categorical one made binary by ``positive`` (the
    favourable answers). ``categorical`` maps predictor -> reference level.
    Respondents missing the outcome, a predictor or the cluster are excluded and counted.
    Returns a :class:`ModelResult` whose
    ``coefficients`` has columns ``term, log_odds, std_error, ci_low, ci_high, odds_ratio,
    or_ci_low, or_ci_high, p_value`` (+ ``variable, level, reference``) and attrs ``n``, ``method``.
    """
    work = frame.copy()
    work["_y"] = success_indicator(frame[outcome], positive)
    design = collapse(work, "_y", categorical, numeric, cluster)
    return fit_logistic(design, alpha=alpha, min_clusters=min_clusters)


def fit_logistic(
    design: CollapsedDesign, alpha: float = 0.05, min_clusters: int = MIN_CLUSTERS
) -> ModelResult:
    """Fit the logistic model to a collapsed design whose outcome is boolean."""
    y = design.outcome.astype(bool).to_numpy(dtype=float)
    exog = np.column_stack([np.ones(len(y)), design.X])
    model = sm.GLM(y, exog, family=sm.families.Binomial(), freq_weights=design.freq)
    fit = model.fit(tol=1e-12, maxiter=100)
    params = np.asarray(fit.params)
    bread = np.asarray(fit.cov_params())
    method = "logistic regression (GLM binomial, logit link) fitted on collapsed counts; "
    n_clusters = design.n_clusters
    if design.cluster is not None and n_clusters is not None and n_clusters >= min_clusters:
        fitted = np.asarray(fit.fittedvalues)
        scores = exog * (design.freq * (y - fitted))[:, None]
        cov = cluster_robust_cov(bread, scores, design.cluster, design.n)
        method += f"cluster-robust (sandwich) errors over {n_clusters} clusters; Wald 95% CIs"
    else:
        cov = bread
        method += "model-based errors; Wald 95% CIs"
        if design.cluster is not None:
            method += f" (only {n_clusters} clusters: too few for cluster-robust errors)"
    names = [INTERCEPT, *design.term_names]
    kinds = ["intercept"] + ["slope"] * len(design.terms)
    table = coefficient_table(names, params, cov, [None, *design.terms], kinds, alpha)
    table.attrs.update({"n": design.n, "n_excluded": design.n_excluded, "method": method})
    return ModelResult(
        coefficients=table,
        n=design.n,
        n_excluded=design.n_excluded,
        method=method,
        n_clusters=n_clusters,
        log_likelihood=float(fit.llf),
        converged=bool(fit.converged),
        cov=cov,
        level_counts=design.level_counts,
    )
