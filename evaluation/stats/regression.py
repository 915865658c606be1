"""Logistic regression with odds ratios, 95% intervals and cluster-robust errors.

Fitted with statsmodels' GLM (binomial, logit link) on the collapsed table (see :mod:`.design`):
frequency weights there are true replication counts, so estimates and model-based errors equal the
row-level fit. With ``cluster`` (organisation, say) the covariance is the cluster-robust sandwich
allowing respondents in the same organisation to be correlated. By default (``"CV3"``, as the
ordinal model) it is the linearised delete-one-cluster jackknife
(:func:`evaluation.stats.design.cluster_jackknife_cov`) with intervals and p-values from Student's
t with ``G - 1`` degrees of freedom (``G`` clusters); ``"CR1"`` is the classic sandwich with
statsmodels' and Stata's small-sample factor, also referred to t(G - 1) as Stata's ``vce(cluster)``
does. Why CV3: with the 31 organisations of a region, a few holding most of a small level's
respondents, CR1 shrinks towards zero the residuals of exactly those high-leverage clusters, so its
intervals under-cover; the jackknife measures each cluster with it left out (simulation study,
per term). With fewer than ``min_clusters`` clusters model-based errors with a normal reference are
used instead (``method`` says so).

Intervals and p-values are, by default (``interval="profile"``), from the **robust-adjusted profile
likelihood** (Chandler and Bate 2007, "Inference for clustered data using the independence
loglikelihood", Biometrika 94; Royall and Tsou 2003): for each term the likelihood-ratio
statistic against the profile is scaled by the term's model-based over its cluster-robust variance
(1 without clusters) and referred to the same reference as the Wald test (t(G - 1) squared, or the
chi-square). Near the estimate it is the Wald test with the robust error; away from it, it follows
the likelihood's own shape. Why: a level whose answers are nearly all one way (85% of senior
leaders aware) has a skewed log-likelihood, and the symmetric Wald interval over-covers there
(simulation study: 97.8-98.0% for a nominal 95%, 96.6% with the profile); the interval and the
p-value come from the same statistic, so an interval excludes 0 exactly when p < alpha.
``interval="wald"`` gives the Wald interval (estimate plus or minus the critical value times the
error). Odds-ratio intervals are the exponentials of the log-odds ones.

Two edges are handled before anything is published:

- **separation** (:mod:`.separation`): a term whose maximum-likelihood estimate is infinite
  (its level predicts the outcome perfectly) is reported as *not estimable*: no estimate, error,
  interval or p-value (NaN), ``estimable`` False and a ``note``; the other terms are the limiting
  fit without the perfectly predicted respondents, and ``method`` says how many they were.
- **few clusters**: a cluster-robust error for a term whose level is held by fewer than
  ``min_term_clusters`` clusters (an organisation type with one or three organisations) is not
  reliable (with one cluster its score sums to zero and the "error" is an artefact); such terms get
  their estimate but no interval or p-value, and a ``note`` saying how many clusters they rest on.
- **few respondents**: a Wald interval for a level of fewer than ``min_term_respondents``
  respondents under-covers, clustered or not (simulation study: executives, about 13 respondents
  in 11 organisations, 89% in the ordinal model and 90% in the logistic one, for a nominal 95%);
  such terms get their estimate but no interval or p-value either, and a ``note`` saying so. The
  same rule holds in both models (:mod:`.ordinal` uses :func:`mark_edges`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from evaluation.stats.bootstrap import WILD_BOOTSTRAP, ScoreBootstrap
from evaluation.stats.crosstabs import success_indicator
from evaluation.stats.design import (
    CR1,
    CV3,
    CollapsedDesign,
    Term,
    cluster_jackknife_cov,
    cluster_robust_cov,
    clusters_phrase,
    collapse,
)
from evaluation.stats.separation import Reduction, estimable_part

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
# a clustered interval needs the term's level to be held by at least this many clusters
MIN_TERM_CLUSTERS = 10
# an interval needs the term's level to hold at least this many respondents
MIN_TERM_RESPONDENTS = 20
NOT_ESTIMABLE = "not estimable: separation (the level predicts the outcome perfectly)"
PROFILE = "profile"
WALD = "wald"


def interval_label(alpha: float, df: int | None = None) -> str:
    """``"Wald 95% CIs"`` for ``alpha=0.05``, ``"Wald 90% CIs"`` for 0.10: wording from alpha;
    with a t reference ``"Wald 95% CIs from t(30)"``."""
    label = f"Wald {100 * (1 - alpha):g}% CIs"
    return label if df is None else f"{label} and p-values from t({df})"


def critical_value(alpha: float, df: int | None = None) -> float:
    """Two-sided critical value: normal, or Student's t with ``df`` degrees of freedom."""
    return float(stats.norm.ppf(1 - alpha / 2) if df is None else stats.t.ppf(1 - alpha / 2, df))


def profile_label(alpha: float, df: int | None = None) -> str:
    """Wording of the robust-adjusted profile-likelihood intervals, from alpha and the reference."""
    reference = "the chi-square with 1 degree of freedom" if df is None else f"t({df}) squared"
    return (
        f"{100 * (1 - alpha):g}% intervals and p-values from the robust-adjusted profile "
        f"likelihood (likelihood ratio scaled by model-based over cluster-robust variance, "
        f"referred to {reference})"
    )


def _binomial_loglik(exog: np.ndarray, y: np.ndarray, freq: np.ndarray, fixed: int, value: float,
                     start: np.ndarray) -> float:  # fmt: skip
    """Maximised binomial log-likelihood with parameter ``fixed`` held at ``value``."""
    others = [i for i in range(exog.shape[1]) if i != fixed]
    offset = value * exog[:, fixed]
    if not others:
        eta = offset
    else:
        model = sm.GLM(y, exog[:, others], family=sm.families.Binomial(), freq_weights=freq,
                       offset=offset)  # fmt: skip
        fit = model.fit(start_params=start[others], tol=1e-10, maxiter=100)
        eta = exog[:, others] @ np.asarray(fit.params) + offset
    return float(np.sum(freq * (y * eta - np.logaddexp(0.0, eta))))


def profile_intervals(
    exog: np.ndarray,
    y: np.ndarray,
    freq: np.ndarray,
    params: np.ndarray,
    model_cov: np.ndarray,
    cov: np.ndarray,
    alpha: float,
    df: int | None,
    columns: Sequence[int],
) -> np.ndarray:
    """Robust-adjusted profile-likelihood interval and p-value of each parameter in ``columns``
    (rows ``low, high, p``; see the module docstring).

    The statistic at ``v`` is ``2 (l(hat) - l_profile(v)) * model_cov[k, k] / cov[k, k]``; the
    interval is where it stays below the squared critical value (found by bracketing from the
    Wald half-width, then Brent's method), the p-value is its tail at ``v = 0``. A side whose
    bound is not reached within 30 log-odds units of the estimate keeps the Wald bound (with
    separation removed first, the profile rises on both sides, so this is a safeguard only).
    """
    from scipy.optimize import brentq

    full = float(np.sum(freq * (y * (exog @ params) - np.logaddexp(0.0, exog @ params))))
    crit = critical_value(alpha, df) ** 2
    out = np.full((3, len(columns)), np.nan)
    for i, k in enumerate(columns):
        scale = model_cov[k, k] / cov[k, k]

        def excess(value: float, k: int = k, scale: float = scale) -> float:
            drop = full - _binomial_loglik(exog, y, freq, k, value, params)
            return 2.0 * max(drop, 0.0) * scale - crit

        half = float(np.sqrt(crit * cov[k, k]))
        for side, sign in ((0, -1.0), (1, 1.0)):
            step = half
            while excess(params[k] + sign * step) < 0 and step < 30.0:
                step *= 2.0
            edge = params[k] + sign * step
            if excess(edge) < 0:  # not reached: keep the Wald bound
                out[side, i] = params[k] + sign * half
            else:
                out[side, i] = brentq(excess, min(params[k], edge), max(params[k], edge),
                                      xtol=1e-8)  # fmt: skip
        statistic = excess(0.0) + crit
        out[2, i] = float(
            stats.chi2.sf(statistic, 1) if df is None else stats.f.sf(statistic, 1, df)
        )
    return out


@dataclass
class ModelResult:
    """A fitted model that describes itself: tidy coefficients, n, exclusions, method.

    ``coefficients`` carries ``estimable`` (False: separated, no finite estimate) and ``note``
    (why an estimate or interval is missing). :meth:`conf_int` recomputes intervals at any level.
    """

    coefficients: pd.DataFrame
    n: int
    n_excluded: int
    method: str
    n_clusters: int | None
    log_likelihood: float
    converged: bool
    cov: np.ndarray
    level_counts: dict[str, int]
    alpha: float = 0.05
    not_estimable: list[str] = field(default_factory=list)
    n_perfectly_predicted: int = 0
    # degrees of freedom of the t reference for intervals and p-values (None: normal)
    reference_df: int | None = None
    # how the published intervals were made: WALD, or PROFILE (the logistic model's default)
    interval: str = WALD

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Wald intervals (log-odds scale) at level ``1 - alpha``, one row per term, columns
        ``lower, upper`` (statsmodels' ``conf_int(alpha)``). NaN where no interval is published:
        a separated term, or a clustered interval resting on too few clusters or respondents.
        With ``interval == PROFILE`` the published intervals (``coefficients``) are the profile
        ones, not these."""
        alpha = self.alpha if alpha is None else alpha
        z = critical_value(alpha, self.reference_df)
        est = self.coefficients["log_odds"].to_numpy(dtype=float)
        se = self.coefficients["std_error"].to_numpy(dtype=float)
        return pd.DataFrame(
            {"lower": est - z * se, "upper": est + z * se},
            index=pd.Index(self.coefficients["term"], name="term"),
        )

    @property
    def interval_label(self) -> str:
        labelled = profile_label if self.interval == PROFILE else interval_label
        return labelled(self.alpha, self.reference_df)


def coefficient_table(
    names: Sequence[str],
    estimates: np.ndarray,
    cov: np.ndarray,
    terms: Sequence[Term | None],
    kinds: Sequence[str],
    alpha: float = 0.05,
    df: int | None = None,
) -> pd.DataFrame:
    """Tidy frame of Wald estimates: log-odds, SE, interval, odds ratio and its interval, p-value.

    With ``df`` intervals and p-values refer to Student's t with ``df`` degrees of freedom (the
    few-clusters reference ``t(G - 1)``), otherwise to the normal.

    ``kinds`` labels each row (``intercept``, ``threshold``, ``slope``); thresholds of an ordinal
    model are cut points on the log-odds scale, not odds ratios, so their odds-ratio columns are
    NaN. Extra columns ``kind, variable, level, reference`` say what each term compares.
    """
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    z = critical_value(alpha, df)
    low, high = estimates - z * se, estimates + z * se
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = np.abs(estimates / se)
        p = 2 * (stats.norm.sf(ratio) if df is None else stats.t.sf(ratio, df))
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
            "estimable": np.isfinite(estimates),
            "note": "",
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
    min_term_clusters: int = MIN_TERM_CLUSTERS,
    wild_bootstrap: bool = False,
    cluster_variance: str = CV3,
    min_term_respondents: int = MIN_TERM_RESPONDENTS,
    interval: str = PROFILE,
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
    return fit_logistic(
        design,
        alpha=alpha,
        min_clusters=min_clusters,
        min_term_clusters=min_term_clusters,
        wild_bootstrap=wild_bootstrap,
        cluster_variance=cluster_variance,
        min_term_respondents=min_term_respondents,
        interval=interval,
    )


def expand(values: np.ndarray, cov: np.ndarray, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and covariance of the kept parameters placed in the full set (NaN elsewhere)."""
    full = np.full(kept.size, np.nan)
    full[kept] = values
    full_cov = np.full((kept.size, kept.size), np.nan)
    full_cov[np.ix_(kept, kept)] = cov
    return full, full_cov


def mark_edges(
    table: pd.DataFrame,
    design: CollapsedDesign,
    reduction: Reduction,
    clustered: bool,
    min_term_clusters: int,
    min_term_respondents: int = MIN_TERM_RESPONDENTS,
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Blank what must not be published: separated terms, clustered intervals on few clusters,
    intervals of levels with few respondents.

    Returns the table, the separated terms' names and sentences for ``method``.
    """
    notes: list[str] = []
    blank = ["log_odds", "std_error", "ci_low", "ci_high", "odds_ratio", "or_ci_low"]
    blank += ["or_ci_high", "p_value"]
    separated = table.loc[~table["estimable"], "term"].tolist()
    table.loc[~table["estimable"], blank] = np.nan
    table.loc[~table["estimable"], "note"] = NOT_ESTIMABLE
    if reduction.separated:
        dropped = int(design.freq[~reduction.cells].sum())
        notes.append(
            f"separation found (Konis linear programme): {', '.join(separated) or 'no term'} "
            f"not estimable (no finite estimate, not published); the other terms are fitted "
            f"without the {dropped} respondents those terms predict perfectly"
        )
    few: dict[str, str] = {}
    if clustered:
        few = {
            t: f"no interval: level held by {design.term_clusters[t]} cluster(s), "
            f"fewer than {min_term_clusters}"
            for t in table["term"]
            if t in design.term_clusters
            and design.term_clusters[t] < min_term_clusters
            and t not in separated
        }
        if few:
            notes.append(
                f"no clustered interval or p-value for terms whose level is held by fewer than "
                f"{min_term_clusters} clusters ({', '.join(few)})"
            )
    small = {
        t: f"no interval: level of {design.level_counts[t]} respondents, "
        f"fewer than {min_term_respondents}"
        for t in table["term"]
        if design.level_counts.get(t, min_term_respondents) < min_term_respondents
        and t not in separated
        and t not in few
    }
    if small:
        notes.append(
            f"no interval or p-value for terms whose level has fewer than {min_term_respondents} "
            f"respondents (Wald intervals on so few under-cover; {', '.join(small)})"
        )
    blanked = few | small
    if blanked:
        rows = table["term"].isin(list(blanked))
        table.loc[rows, ["std_error", "ci_low", "ci_high", "or_ci_low", "or_ci_high"]] = np.nan
        table.loc[rows, "p_value"] = np.nan
        table.loc[rows, "note"] = [blanked[t] for t in table.loc[rows, "term"]]
    return table, separated, notes


def fit_logistic(
    design: CollapsedDesign,
    alpha: float = 0.05,
    min_clusters: int = MIN_CLUSTERS,
    min_term_clusters: int = MIN_TERM_CLUSTERS,
    wild_bootstrap: bool = False,
    cluster_variance: str = CV3,
    min_term_respondents: int = MIN_TERM_RESPONDENTS,
    interval: str = PROFILE,
) -> ModelResult:
    """Fit the logistic model to a collapsed design whose outcome is boolean.

    ``cluster_variance`` is ``"CV3"`` (default) or ``"CR1"``; either way clustered intervals and
    p-values refer to t(G - 1) (module docstring).

    With ``wild_bootstrap`` (and cluster-robust errors) every slope with a clustered interval
    also gets a wild cluster score bootstrap p-value and interval (:mod:`.bootstrap`), in
    ``wcb_p_value, wcb_ci_low, wcb_ci_high`` (log-odds scale; NaN where not computed).

    Separation is checked first (:func:`evaluation.stats.separation.estimable_part`); separated
    terms are reported as not estimable, and terms resting on fewer than ``min_term_clusters``
    clusters or ``min_term_respondents`` respondents get no interval (module docstring).
    """
    y = design.outcome.astype(bool).to_numpy(dtype=float)
    reduction = estimable_part(design.X, y.astype(int), 2, design.freq)
    cells, cols = reduction.cells, reduction.columns
    exog = np.column_stack([np.ones(int(cells.sum())), design.X[np.ix_(cells, cols)]])
    freq = design.freq[cells]
    model = sm.GLM(y[cells], exog, family=sm.families.Binomial(), freq_weights=freq)
    fit = model.fit(tol=1e-12, maxiter=100)
    params = np.asarray(fit.params)
    bread = np.asarray(fit.cov_params())
    if cluster_variance not in (CV3, CR1):
        raise ValueError(f"cluster_variance must be {CV3!r} or {CR1!r}")
    if interval not in (PROFILE, WALD):
        raise ValueError(f"interval must be {PROFILE!r} or {WALD!r}")
    labelled = profile_label if interval == PROFILE else interval_label
    label = labelled(alpha)
    method = "logistic regression (GLM binomial, logit link) fitted on collapsed counts; "
    n_clusters = design.n_clusters
    cluster = design.cluster
    clustered = cluster is not None and n_clusters is not None and n_clusters >= min_clusters
    reference_df = None
    if clustered and cluster is not None:
        fitted = np.asarray(fit.fittedvalues)
        scores = exog * (freq * (y[cells] - fitted))[:, None]
        codes = pd.factorize(cluster[cells])[0]
        reference_df = int(codes.max())  # G - 1
        label = labelled(alpha, reference_df)
        if cluster_variance == CV3:
            sums = np.zeros((reference_df + 1, exog.shape[1]))
            np.add.at(sums, codes, scores)
            weight = freq * fitted * (1 - fitted)
            infos = [
                exog[codes == g].T @ (exog[codes == g] * weight[codes == g, None])
                for g in range(sums.shape[0])
            ]
            cov = cluster_jackknife_cov(np.linalg.inv(bread), infos, sums)
            method += (
                f"cluster-robust errors {clusters_phrase(reference_df + 1, n_clusters)} "
                "(linearised delete-one-"
                f"cluster jackknife, CV3); {label}"
            )
        else:
            cov = cluster_robust_cov(bread, scores, cluster[cells], int(freq.sum()))
            method += (
                "cluster-robust (sandwich, CR1) errors "
                f"{clusters_phrase(reference_df + 1, n_clusters)}; {label}"
            )
    else:
        cov = bread
        method += f"model-based errors; {label}"
        if design.cluster is not None:
            method += f" (only {n_clusters} clusters: too few for cluster-robust errors)"
    kept = np.concatenate([[True], cols])
    position = np.cumsum(kept) - 1  # column of each full parameter in the reduced exog
    reduced, reduced_cov = params, cov
    params, cov = expand(params, cov, kept)
    names = [INTERCEPT, *design.term_names]
    kinds = ["intercept"] + ["slope"] * len(design.terms)
    table = coefficient_table(names, params, cov, [None, *design.terms], kinds, alpha, reference_df)
    table, separated, notes = mark_edges(
        table, design, reduction, clustered, min_term_clusters, min_term_respondents
    )
    if interval == PROFILE:
        rows = np.flatnonzero(table["ci_low"].notna().to_numpy())
        low, high, p = profile_intervals(
            exog,
            y[cells],
            freq,
            reduced,
            bread,
            reduced_cov,
            alpha,
            reference_df,
            [int(c) for c in position[rows]],
        )
        with np.errstate(over="ignore"):
            table.loc[rows, ["ci_low", "ci_high", "p_value"]] = np.column_stack([low, high, p])
            table.loc[rows, "or_ci_low"], table.loc[rows, "or_ci_high"] = np.exp(low), np.exp(high)
    table["wcb_p_value"], table["wcb_ci_low"], table["wcb_ci_high"] = np.nan, np.nan, np.nan
    if wild_bootstrap and clustered and cluster is not None:
        boot = ScoreBootstrap(exog, y[cells], freq, cluster[cells])
        wcb = np.full((len(table), 3), np.nan)
        for i, row in enumerate(table.itertuples()):
            if row.kind != "slope" or not np.isfinite(row.std_error):
                continue
            col = int(position[i])
            wcb[i, 0] = boot.p_value(col, 0.0)
            wcb[i, 1:] = boot.interval(col, row.log_odds, row.std_error, alpha)
        table["wcb_p_value"], table["wcb_ci_low"], table["wcb_ci_high"] = wcb.T
        notes.append(f"{WILD_BOOTSTRAP} p-values and intervals beside the sandwich ones")
    if notes:
        method += "; " + "; ".join(notes)
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
        alpha=alpha,
        not_estimable=separated,
        n_perfectly_predicted=int(design.freq[~cells].sum()),
        reference_df=reference_df,
        interval=interval,
    )
