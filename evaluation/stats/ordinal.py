"""Proportional-odds (cumulative logit) model, fitted on collapsed counts, with a Brant test.

The model: ``P(Y <= k | x) = logistic(theta_k - x'beta)`` for cut points ``theta_1 < ... <
theta_{K-1}``; a positive ``beta`` shifts answers towards the higher (more favourable) end, and
``exp(beta)`` is the common odds ratio of answering above any cut point. This is statsmodels'
``OrderedModel(distr="logit")`` and R's ``MASS::polr`` parametrisation.

Why our own likelihood: ``OrderedModel`` has no weights argument, so it cannot fit the collapsed
table (one row per covariate pattern x answer with a frequency), and on a million rows it is slow.
The log-likelihood with frequency weights ``sum_c w_c log(F(theta_{k_c} - eta_c) -
F(theta_{k_c - 1} - eta_c))`` is maximised with BFGS and its analytic gradient (thresholds
parametrised as first cut + log-increments, so they stay ordered), then polished by Newton steps
with the analytic Hessian; standard errors come from that Hessian (or the cluster sandwich).
Thresholds are reported on their natural scale (the cut points themselves).

The proportional-odds assumption (one ``beta`` for every cut point) is checked with the Brant
(1990) Wald test: separate binary logits of ``Y > k`` are fitted at each cut point, their joint
covariance is estimated from the model (Brant's formula), and equality of the slopes across cut
points is tested, overall and per predictor. A small p-value says the effect differs along the
scale (the single odds ratio is then an average and should be read with the separate estimates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import expit

from evaluation.stats.design import CollapsedDesign, cluster_robust_cov, collapse
from evaluation.stats.regression import MIN_CLUSTERS, ModelResult, coefficient_table


@dataclass
class ProportionalOddsTest:
    """Brant test of equal slopes across cut points, and the per-cut-point binary estimates."""

    tests: pd.DataFrame  # test, statistic, df, p_value, method
    cut_estimates: pd.DataFrame  # term x cut point: slope of the binary logit of Y > cut


@dataclass
class OrdinalResult(ModelResult):
    """A fitted proportional-odds model: coefficients (thresholds then slopes) and its checks."""

    levels: list[str]
    dropped_levels: list[str]
    proportional_odds: ProportionalOddsTest | None


def _cell_terms(theta: np.ndarray, beta: np.ndarray, X: np.ndarray, j: np.ndarray):
    """Per-cell upper/lower linear predictors, cell probability and densities."""
    k = theta.size + 1
    eta = X @ beta
    ext = np.concatenate([[-np.inf], theta, [np.inf]])
    upper = ext[j + 1] - eta
    lower = ext[j] - eta
    # P = F(upper) - F(lower), computed on the tail that keeps precision.
    prob = np.where(lower > 0, expit(-lower) - expit(-upper), expit(upper) - expit(lower))
    fu_cdf, fl_cdf = expit(upper), expit(lower)
    fu = fu_cdf * (1 - fu_cdf)
    fl = fl_cdf * (1 - fl_cdf)
    has_upper = j < k - 1
    has_lower = j > 0
    return prob, fu, fl, fu_cdf, fl_cdf, has_upper, has_lower


def _gradient_rows(theta, beta, X, j):
    """Per-cell gradient of log P (rows) w.r.t. (theta, beta), and the pieces for the Hessian."""
    prob, fu, fl, fu_cdf, fl_cdf, has_upper, has_lower = _cell_terms(theta, beta, X, j)
    n_theta = theta.size
    cells = np.arange(j.size)
    za = np.zeros((j.size, n_theta + X.shape[1]))
    zb = np.zeros_like(za)
    za[cells[has_upper], j[has_upper]] = 1.0
    zb[cells[has_lower], j[has_lower] - 1] = 1.0
    za[:, n_theta:] = -X
    zb[:, n_theta:] = -X
    grad_rows = (fu[:, None] * za - fl[:, None] * zb) / prob[:, None]
    return prob, grad_rows, za, zb, fu * (1 - 2 * fu_cdf), fl * (1 - 2 * fl_cdf)


def _loglik(theta, beta, X, j, w) -> float:
    prob = _cell_terms(theta, beta, X, j)[0]
    return float(np.sum(w * np.log(prob)))


def _hessian(theta, beta, X, j, w) -> tuple[np.ndarray, np.ndarray]:
    """Analytic gradient and Hessian of the weighted log-likelihood in (theta, beta)."""
    prob, g, za, zb, dfu, dfl = _gradient_rows(theta, beta, X, j)
    grad = g.T @ w
    hess = (
        za.T @ (za * (w * dfu / prob)[:, None])
        - zb.T @ (zb * (w * dfl / prob)[:, None])
        - g.T @ (g * w[:, None])
    )
    return grad, hess


def _to_natural(params: np.ndarray, n_theta: int) -> tuple[np.ndarray, np.ndarray]:
    raw = params[:n_theta]
    theta = np.cumsum(np.concatenate([raw[:1], np.exp(raw[1:])]))
    return theta, params[n_theta:]


def _fit(
    X: np.ndarray, j: np.ndarray, w: np.ndarray, n_levels: int
) -> tuple[np.ndarray, np.ndarray]:
    """Maximise the weighted proportional-odds likelihood; returns (thresholds, slopes)."""
    n_theta = n_levels - 1
    total = w.sum()
    cum = np.cumsum(np.bincount(j, weights=w, minlength=n_levels))[:-1] / total
    start_theta = np.log(cum / (1 - cum))
    start = np.concatenate([start_theta[:1], np.log(np.diff(start_theta)), np.zeros(X.shape[1])])

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        theta, beta = _to_natural(params, n_theta)
        prob, g, *_ = _gradient_rows(theta, beta, X, j)
        grad_nat = g.T @ w
        g_theta = grad_nat[:n_theta]
        # d theta_i / d raw_0 = 1; d theta_i / d raw_m = exp(raw_m) for m <= i.
        tail = np.cumsum(g_theta[::-1])[::-1]
        grad_raw = np.concatenate(
            [[tail[0]], np.exp(params[1:n_theta]) * tail[1:], grad_nat[n_theta:]]
        )
        return -float(np.sum(w * np.log(prob))) / total, -grad_raw / total

    opt = optimize.minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 2000}
    )
    theta, beta = _to_natural(opt.x, n_theta)
    # Newton polish in the natural parametrisation (analytic Hessian), with step halving.
    params = np.concatenate([theta, beta])
    ll = _loglik(theta, beta, X, j, w)
    for _ in range(50):
        grad, hess = _hessian(params[:n_theta], params[n_theta:], X, j, w)
        if np.max(np.abs(grad)) / total < 1e-12:
            break
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-8:
            trial = params - size * step
            if np.all(np.diff(trial[:n_theta]) > 0):
                trial_ll = _loglik(trial[:n_theta], trial[n_theta:], X, j, w)
                if trial_ll >= ll - 1e-12 * abs(ll):
                    params, ll = trial, trial_ll
                    break
            size /= 2
        else:
            break  # no step improves the likelihood: at the optimum to machine precision
    return params[:n_theta], params[n_theta:]


def _level_codes(outcome: pd.Series, levels: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    values = outcome.astype(str).to_numpy()
    order = [str(x) for x in levels] if levels is not None else list(outcome.cat.categories)
    lookup = {lv: i for i, lv in enumerate(order)}
    return np.array([lookup[v] for v in values]), order


def ordinal_logit(
    frame: pd.DataFrame,
    outcome: str,
    categorical: Mapping[str, str] | None = None,
    numeric: Sequence[str] = (),
    cluster: str | None = None,
    alpha: float = 0.05,
    min_clusters: int = MIN_CLUSTERS,
    test_proportional_odds: bool = True,
) -> OrdinalResult:
    """Proportional-odds logistic regression of an ordered categorical ``outcome``.

    ``outcome`` must be an ordered pandas Categorical (its category order is the scale's order).
    ``categorical`` maps predictor -> reference level (dummy coding, no constant: the thresholds
    play the intercept's part). Answer levels nobody chose are dropped (their cut points are not
    identified) and listed in ``dropped_levels``. With ``cluster`` (and at least ``min_clusters``
    clusters) errors are cluster-robust. ``coefficients`` holds the thresholds (``kind ==
    "threshold"``, natural scale, named ``lower|upper``) then the slopes (``kind == "slope"``).
    """
    values = frame[outcome]
    if not (isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered):
        raise TypeError(f"{outcome!r} must be an ordered Categorical")
    design = collapse(frame, outcome, categorical, numeric, cluster)
    return fit_ordinal(
        design,
        list(values.cat.categories),
        alpha=alpha,
        min_clusters=min_clusters,
        test_proportional_odds=test_proportional_odds,
    )


def fit_ordinal(
    design: CollapsedDesign,
    levels: Sequence[str],
    alpha: float = 0.05,
    min_clusters: int = MIN_CLUSTERS,
    test_proportional_odds: bool = True,
) -> OrdinalResult:
    """Fit the proportional-odds model to a collapsed design (outcome values in ``levels``)."""
    codes, order = _level_codes(design.outcome, levels)
    counts = np.bincount(codes, weights=design.freq, minlength=len(order))
    kept = [i for i, c in enumerate(counts) if c > 0]
    dropped = [order[i] for i, c in enumerate(counts) if c == 0]
    if len(kept) < 2:
        raise ValueError("an ordinal model needs answers in at least two levels")
    remap = {old: new for new, old in enumerate(kept)}
    j = np.array([remap[c] for c in codes])
    used = [order[i] for i in kept]
    X, w = design.X, design.freq
    theta, beta = _fit(X, j, w, len(used))
    grad, hess = _hessian(theta, beta, X, j, w)
    converged = bool(np.max(np.abs(grad)) / w.sum() < 1e-8)
    bread = np.linalg.inv(-hess)
    method = "proportional-odds (cumulative logit) model fitted on collapsed counts; "
    n_clusters = design.n_clusters
    if design.cluster is not None and n_clusters is not None and n_clusters >= min_clusters:
        scores = _gradient_rows(theta, beta, X, j)[1] * w[:, None]
        cov = cluster_robust_cov(bread, scores, design.cluster, design.n)
        method += f"cluster-robust (sandwich) errors over {n_clusters} clusters; Wald 95% CIs"
    else:
        cov = bread
        method += "errors from the analytic Hessian; Wald 95% CIs"
        if design.cluster is not None:
            method += f" (only {n_clusters} clusters: too few for cluster-robust errors)"
    threshold_names = [f"{used[i]}|{used[i + 1]}" for i in range(len(used) - 1)]
    names = threshold_names + design.term_names
    kinds = ["threshold"] * len(threshold_names) + ["slope"] * len(design.terms)
    table = coefficient_table(
        names,
        np.concatenate([theta, beta]),
        cov,
        [None] * len(threshold_names) + list(design.terms),
        kinds,
        alpha,
    )
    table.attrs.update({"n": design.n, "n_excluded": design.n_excluded, "method": method})
    po_test = brant_test(design, j, used) if test_proportional_odds and design.terms else None
    return OrdinalResult(
        coefficients=table,
        n=design.n,
        n_excluded=design.n_excluded,
        method=method,
        n_clusters=n_clusters,
        log_likelihood=_loglik(theta, beta, X, j, w),
        converged=converged,
        cov=cov,
        level_counts=design.level_counts,
        levels=used,
        dropped_levels=dropped,
        proportional_odds=po_test,
    )


def brant_test(
    design: CollapsedDesign, j: np.ndarray, levels: Sequence[str]
) -> ProportionalOddsTest:
    """Brant's Wald test that the slopes of the binary logits ``Y > k`` are equal for every k.

    ``j`` is each cell's answer index (0-based) into ``levels`` (the levels in use).
    Covariance of the stacked estimates: ``Var(b_k) = (X'W_kk X)^-1`` and, for ``k < m``,
    ``Cov(b_k, b_m) = (X'W_kk X)^-1 X'W_km X (X'W_mm X)^-1`` with ``W_km = diag(pi_m (1 - pi_k))``
    (``pi_k`` the fitted ``P(Y > k)``; the event ``Y > m`` implies ``Y > k``).
    Tested: overall (``df = p (K - 2)``) and per predictor variable (its dummies jointly).
    """
    X = np.column_stack([np.ones(len(j)), design.X])
    w = design.freq
    cuts = len(levels) - 1
    p = design.X.shape[1]
    estimates, fitted, info_inv = [], [], []
    for k in range(cuts):
        y = (j > k).astype(float)
        fit = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
        pi = np.asarray(fit.fittedvalues)
        estimates.append(np.asarray(fit.params)[1:])
        fitted.append(pi)
        info_inv.append(np.linalg.inv(X.T @ (X * (w * pi * (1 - pi))[:, None])))
    cov = np.zeros((cuts * p, cuts * p))
    for k in range(cuts):
        for m in range(k, cuts):
            if k == m:
                block = info_inv[k]
            else:
                middle = X.T @ (X * (w * fitted[m] * (1 - fitted[k]))[:, None])
                block = info_inv[k] @ middle @ info_inv[m]
            sub = block[1:, 1:]
            cov[k * p : (k + 1) * p, m * p : (m + 1) * p] = sub
            cov[m * p : (m + 1) * p, k * p : (k + 1) * p] = sub.T
    stacked = np.concatenate(estimates)

    def wald(columns: list[int], label: str) -> dict[str, object]:
        rows = []
        for m in range(1, cuts):
            for c in columns:
                r = np.zeros(cuts * p)
                r[c] = 1.0
                r[m * p + c] = -1.0
                rows.append(r)
        if not rows:
            return {"test": label, "statistic": np.nan, "df": 0, "p_value": np.nan}
        d = np.array(rows)
        diff = d @ stacked
        stat = float(diff @ np.linalg.pinv(d @ cov @ d.T) @ diff)
        df = len(rows)
        return {"test": label, "statistic": stat, "df": df, "p_value": stats.chi2.sf(stat, df)}

    variables = list(dict.fromkeys(t.variable for t in design.terms))
    results = [wald(list(range(p)), "omnibus")]
    for variable in variables:
        cols = [i for i, t in enumerate(design.terms) if t.variable == variable]
        results.append(wald(cols, variable))
    tests = pd.DataFrame(results)
    tests["method"] = "Brant (1990) Wald test of equal slopes across cut points"
    cut_estimates = pd.DataFrame(
        np.array(estimates).T,
        index=design.term_names,
        columns=[f"above {levels[k]}" for k in range(cuts)],
    )
    return ProportionalOddsTest(tests=tests, cut_estimates=cut_estimates)
