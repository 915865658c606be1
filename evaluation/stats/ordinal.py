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
with the analytic Hessian; standard errors come from that Hessian or, clustered, from the
linearised delete-one-cluster jackknife (CV3) with t(G - 1) intervals and p-values: with the 31
organisations of a region, a few holding most of a small level's respondents, the classic
sandwich (CR1, normal reference) covered 89-92% in the simulation study, CV3 with t(G - 1) 92-95%.
Thresholds are reported on their natural scale (the cut points themselves).

The proportional-odds assumption (one ``beta`` for every cut point) is checked two ways:

- **likelihood ratio** (primary; R's ``ordinal::nominal_test``): the model is refitted with one
  predictor's slopes free to differ at every cut point ("nominal effects", the partial
  proportional-odds model of Peterson and Harrell 1990), or all of them (the generalised ordinal
  logit), and twice the gain in log-likelihood is referred to chi-square with ``q (K - 2)`` df.
- **Brant (1990) Wald test**: separate binary logits of ``Y > k``, their joint covariance from
  Brant's formula, equality of slopes tested overall and per predictor.

Both are undefined when a group has nobody on one side of a cut point (no senior leader chose
the lowest answer, say): that cut point's binary logit is separated and Brant's covariance is
singular (a reciprocal condition near 1e-17 gave p = 0.99 where R gave 6e-10), and the nominal
effect is infinite. So before testing, predictor levels with fewer than :data:`MIN_GROUP`
respondents are left out of the test (named in ``method``), then adjacent answer levels are pooled
until every remaining group has at least :data:`MIN_SIDE` respondents on each side of every cut
point, and the pooled levels are named (``merged``); with fewer than three pooled levels there is
nothing to test. A Brant statistic whose matrix is still ill-conditioned is not reported.

Separation (:mod:`.separation`) is checked before the fit: separated slopes are not estimable
(NaN, ``estimable`` False) and the rest is the limiting fit, as in :mod:`.regression`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import expit

from evaluation.stats.design import (
    CR1,
    CV3,
    CollapsedDesign,
    cluster_jackknife_cov,
    cluster_robust_cov,
    clusters_phrase,
    collapse,
)
from evaluation.stats.regression import (
    MIN_CLUSTERS,
    MIN_TERM_CLUSTERS,
    MIN_TERM_RESPONDENTS,
    ModelResult,
    coefficient_table,
    expand,
    interval_label,
    mark_edges,
)
from evaluation.stats.separation import estimable_part


@dataclass
class ProportionalOddsTest:
    """Checks of equal slopes across cut points: likelihood-ratio (primary) and Brant.

    ``tests``: likelihood-ratio tests against the model with nominal (cut-point-specific)
    effects, omnibus and per predictor (R's ``ordinal::nominal_test``); ``brant``: Brant's Wald
    test where it is defined; ``cut_estimates``: slopes of the separate binary logits of
    ``Y > cut``. ``merged`` names answer levels pooled because a group had (almost) nobody on one
    side of a cut point; both tests are computed on the pooled scale.
    """

    tests: pd.DataFrame  # test, statistic, df, p_value, method
    cut_estimates: pd.DataFrame  # term x cut point: slope of the binary logit of Y > cut
    brant: pd.DataFrame | None = None
    merged: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)  # the (pooled) scale the tests used


@dataclass
class OrdinalResult(ModelResult):
    """A fitted proportional-odds model: coefficients (thresholds then slopes) and its checks."""

    levels: list[str] = field(default_factory=list)
    dropped_levels: list[str] = field(default_factory=list)
    proportional_odds: ProportionalOddsTest | None = None


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
    min_term_clusters: int = MIN_TERM_CLUSTERS,
    cluster_variance: str = CV3,
    min_term_respondents: int = MIN_TERM_RESPONDENTS,
) -> OrdinalResult:
    """Proportional-odds logistic regression of an ordered categorical ``outcome``.

    ``outcome`` must be an ordered pandas Categorical (its category order is the scale's order).
    ``categorical`` maps predictor -> reference level (dummy coding, no constant: the thresholds
    play the intercept's part). Answer levels nobody chose are dropped (their cut points are not
    identified) and listed in ``dropped_levels``. With ``cluster`` (and at least ``min_clusters``
    clusters) errors are cluster-robust: by default (``cluster_variance="CV3"``) the linearised
    delete-one-cluster jackknife with intervals and p-values from t(G - 1), which holds with a few
    tens of unbalanced clusters (:func:`evaluation.stats.design.cluster_jackknife_cov`); ``"CR1"``
    is the classic sandwich with statsmodels' and Stata's small-sample factor, also with the
    t(G - 1) reference as Stata's ``vce(cluster)`` (with a normal reference it under-covered,
    89-92%, over 31 organisations in the simulation study). The logistic model
    (:mod:`.regression`) uses the same two options and the same default.
    ``coefficients`` holds the thresholds (``kind ==
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
        min_term_clusters=min_term_clusters,
        cluster_variance=cluster_variance,
        min_term_respondents=min_term_respondents,
    )


def fit_ordinal(
    design: CollapsedDesign,
    levels: Sequence[str],
    alpha: float = 0.05,
    min_clusters: int = MIN_CLUSTERS,
    test_proportional_odds: bool = True,
    min_term_clusters: int = MIN_TERM_CLUSTERS,
    cluster_variance: str = CV3,
    min_term_respondents: int = MIN_TERM_RESPONDENTS,
) -> OrdinalResult:
    """Fit the proportional-odds model to a collapsed design (outcome values in ``levels``)."""
    codes, order = _level_codes(design.outcome, levels)
    counts = np.bincount(codes, weights=design.freq, minlength=len(order))
    kept = [i for i, c in enumerate(counts) if c > 0]
    dropped = [order[i] for i, c in enumerate(counts) if c == 0]
    if len(kept) < 2:
        raise ValueError("an ordinal model needs answers in at least two levels")
    remap = {old: new for new, old in enumerate(kept)}
    j_all = np.array([remap[c] for c in codes])
    used = [order[i] for i in kept]
    reduction = estimable_part(design.X, j_all, len(used), design.freq)
    cells, cols = reduction.cells, reduction.columns
    # answer levels left after taking out perfectly predicted cells (their cut points remain)
    present = np.unique(j_all[cells])
    if present.size < 2:
        raise ValueError("an ordinal model needs answers in at least two levels")
    fit_levels = [used[i] for i in present]
    j = np.searchsorted(present, j_all[cells])
    X, w = design.X[np.ix_(cells, cols)], design.freq[cells]
    theta, beta = _fit(X, j, w, len(fit_levels))
    grad, hess = _hessian(theta, beta, X, j, w)
    converged = bool(np.max(np.abs(grad)) / w.sum() < 1e-8)
    bread = np.linalg.inv(-hess)
    label = interval_label(alpha)
    method = "proportional-odds (cumulative logit) model fitted on collapsed counts; "
    n_clusters = design.n_clusters
    clustered = design.cluster is not None and n_clusters is not None and n_clusters >= min_clusters
    reference_df = None
    if clustered and cluster_variance == CV3:
        assert design.cluster is not None and n_clusters is not None
        scores = _gradient_rows(theta, beta, X, j)[1] * w[:, None]
        codes = pd.factorize(design.cluster[cells])[0]
        sums = np.zeros((int(codes.max()) + 1, scores.shape[1]))
        np.add.at(sums, codes, scores)
        infos = [
            -_hessian(theta, beta, X[codes == g], j[codes == g], w[codes == g])[1]
            for g in range(sums.shape[0])
        ]
        cov = cluster_jackknife_cov(-hess, infos, sums)
        reference_df = int(sums.shape[0]) - 1
        label = interval_label(alpha, reference_df)
        method += (
            f"cluster-robust errors {clusters_phrase(reference_df + 1, n_clusters)} "
            "(linearised delete-one-cluster "
            f"jackknife, CV3); {label}"
        )
    elif clustered:
        assert design.cluster is not None and n_clusters is not None
        if cluster_variance != CR1:
            raise ValueError(f"cluster_variance must be {CV3!r} or {CR1!r}")
        scores = _gradient_rows(theta, beta, X, j)[1] * w[:, None]
        cov = cluster_robust_cov(bread, scores, design.cluster[cells], int(w.sum()))
        reference_df = int(n_clusters) - 1
        label = interval_label(alpha, reference_df)
        method += f"cluster-robust (sandwich, CR1) errors over {n_clusters} clusters; {label}"
    else:
        cov = bread
        method += f"errors from the analytic Hessian; {label}"
        if design.cluster is not None:
            method += f" (only {n_clusters} clusters: too few for cluster-robust errors)"
    threshold_names = [f"{fit_levels[i]}|{fit_levels[i + 1]}" for i in range(len(fit_levels) - 1)]
    names = threshold_names + design.term_names
    kinds = ["threshold"] * len(threshold_names) + ["slope"] * len(design.terms)
    keep = np.concatenate([np.ones(len(threshold_names), dtype=bool), cols])
    estimates, cov = expand(np.concatenate([theta, beta]), cov, keep)
    table = coefficient_table(
        names,
        estimates,
        cov,
        [None] * len(threshold_names) + list(design.terms),
        kinds,
        alpha,
        reference_df,
    )
    table, separated, notes = mark_edges(
        table, design, reduction, clustered, min_term_clusters, min_term_respondents
    )
    if notes:
        method += "; " + "; ".join(notes)
    table.attrs.update({"n": design.n, "n_excluded": design.n_excluded, "method": method})
    po_test = None
    if test_proportional_odds and design.terms and not reduction.separated:
        po_test = proportional_odds_tests(design, j_all, used)
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
        alpha=alpha,
        not_estimable=separated,
        n_perfectly_predicted=int(design.freq[~cells].sum()),
        reference_df=reference_df,
        levels=used,
        dropped_levels=dropped,
        proportional_odds=po_test,
    )


# --- checking proportional odds ---------------------------------------------------------------

MIN_SIDE = 5  # respondents each group needs on each side of a cut point for the tests
MIN_GROUP = 20  # predictor levels with fewer respondents are left out of the tests
MIN_RCOND = 1e-10  # Brant's matrix must be at least this well conditioned


def _groups(design: CollapsedDesign) -> list[np.ndarray]:
    """Boolean per cell for every group of every categorical predictor (levels and references)."""
    groups = []
    for variable in dict.fromkeys(t.variable for t in design.terms):
        cols = [i for i, t in enumerate(design.terms) if t.variable == variable]
        if design.terms[cols[0]].level is None:  # numeric
            continue
        block = design.X[:, cols]
        groups += [block[:, c] > 0 for c in range(len(cols))]
        groups.append(block.sum(axis=1) == 0)
    return groups


def pool_sparse_levels(
    design: CollapsedDesign, j: np.ndarray, levels: Sequence[str], min_side: int = MIN_SIDE
) -> tuple[np.ndarray, list[str], list[str]]:
    """Pool adjacent answer levels until every group has ``min_side`` respondents on each side
    of every cut point. Returns the new codes, the pooled levels' labels and what was merged."""
    bounds = list(range(len(levels) - 1))  # cut k separates codes <= k from codes > k
    groups = _groups(design)
    w = design.freq
    changed = True
    while changed and bounds:
        changed = False
        for k in bounds:
            for g in groups:
                below = w[g & (j <= k)].sum()
                above = w[g & (j > k)].sum()
                if (below > 0 or above > 0) and min(below, above) < min_side:
                    bounds.remove(k)
                    changed = True
                    break
            if changed:
                break
    edges = [-1, *bounds, len(levels) - 1]
    labels, merged = [], []
    new = np.zeros_like(j)
    for i in range(len(edges) - 1):
        members = list(levels[edges[i] + 1 : edges[i + 1] + 1])
        new[(j > edges[i]) & (j <= edges[i + 1])] = i
        labels.append(" + ".join(members))
        if len(members) > 1:
            merged.append(labels[-1])
    return new, labels, merged


def _nominal_fit(
    X: np.ndarray,
    Z: np.ndarray,
    j: np.ndarray,
    w: np.ndarray,
    n_levels: int,
    start_theta: np.ndarray,
    start_b: np.ndarray,
    start_g: np.ndarray,
) -> float:
    """Maximised log-likelihood of ``P(Y <= k) = F(theta_k - x'beta - z'gamma_k)``."""
    n_theta, p, q = n_levels - 1, X.shape[1], Z.shape[1]
    total = w.sum()
    has_upper, has_lower = j < n_levels - 1, j > 0
    ju, jl = np.minimum(j, n_theta - 1), np.maximum(j - 1, 0)

    def unpack(params):
        theta = params[:n_theta]
        beta = params[n_theta : n_theta + p]
        gamma = params[n_theta + p :].reshape(n_theta, q)
        return theta, beta, gamma

    def objective(params):
        theta, beta, gamma = unpack(params)
        eta = X @ beta
        zg = Z @ gamma.T  # cells x cuts
        rows = np.arange(len(j))
        upper = np.where(has_upper, theta[ju] - eta - zg[rows, ju], np.inf)
        lower = np.where(has_lower, theta[jl] - eta - zg[rows, jl], -np.inf)
        prob = np.where(lower > 0, expit(-lower) - expit(-upper), expit(upper) - expit(lower))
        if np.any(prob <= 1e-300):
            return 1e10, np.zeros_like(params)
        fu = np.where(has_upper, expit(upper) * (1 - expit(upper)), 0.0)
        fl = np.where(has_lower, expit(lower) * (1 - expit(lower)), 0.0)
        du, dl = w * fu / prob, -w * fl / prob  # d loglik / d upper, d lower
        g_theta = np.bincount(ju[has_upper], du[has_upper], n_theta) + np.bincount(
            jl[has_lower], dl[has_lower], n_theta
        )
        g_beta = -(X.T @ (du + dl))
        g_gamma = np.zeros((n_theta, q))
        np.add.at(g_gamma, ju[has_upper], -(Z[has_upper] * du[has_upper, None]))
        np.add.at(g_gamma, jl[has_lower], -(Z[has_lower] * dl[has_lower, None]))
        grad = np.concatenate([g_theta, g_beta, g_gamma.ravel()])
        return -float(np.sum(w * np.log(prob))) / total, -grad / total

    # start at the proportional-odds fit (every gamma_k equal to the common slope)
    start = np.concatenate([start_theta, start_b, np.tile(start_g, n_theta)])
    opt = optimize.minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 5000}
    )
    return -opt.fun * total


def likelihood_ratio_tests(design: CollapsedDesign, j: np.ndarray, n_levels: int) -> pd.DataFrame:
    """LR tests of proportional odds against nominal effects, omnibus and per predictor."""
    X, w = design.X, design.freq
    theta, beta = _fit(X, j, w, n_levels)
    ll0 = _loglik(theta, beta, X, j, w)
    variables = list(dict.fromkeys(t.variable for t in design.terms))
    rows = []
    for label, cols in [("omnibus", list(range(X.shape[1])))] + [
        (v, [i for i, t in enumerate(design.terms) if t.variable == v]) for v in variables
    ]:
        common = [i for i in range(X.shape[1]) if i not in cols]
        # nominal effects for the tested columns: their common slope is absorbed in gamma
        ll1 = _nominal_fit(
            X[:, common], X[:, cols], j, w, n_levels, theta, beta[common], beta[cols]
        )
        stat = max(0.0, 2 * (ll1 - ll0))
        df = len(cols) * (n_levels - 2)
        rows.append(
            {"test": label, "statistic": stat, "df": df, "p_value": float(stats.chi2.sf(stat, df))}
        )
    return pd.DataFrame(rows)


def drop_small_groups(
    design: CollapsedDesign, j: np.ndarray, min_group: int = MIN_GROUP
) -> tuple[CollapsedDesign, np.ndarray, list[str]]:
    """Leave out respondents in (non-reference) predictor levels with fewer than ``min_group``
    respondents, and those levels' columns: a handful of executives cannot show whether an effect
    differs along the scale, and would force the whole scale to be pooled."""
    small = [
        i
        for i, t in enumerate(design.terms)
        if t.level is not None and design.freq[design.X[:, i] > 0].sum() < min_group
    ]
    if not small:
        return design, j, []
    cells = ~(design.X[:, small] > 0).any(axis=1)
    keep = [i for i in range(len(design.terms)) if i not in small]
    reduced = replace(
        design,
        X=design.X[np.ix_(cells, np.array(keep, dtype=int))],
        outcome=design.outcome[cells],
        freq=design.freq[cells],
        terms=[design.terms[i] for i in keep],
        cluster=None if design.cluster is None else design.cluster[cells],
        n=int(design.freq[cells].sum()),
    )
    return reduced, j[cells], [design.terms[i].name for i in small]


def proportional_odds_tests(
    design: CollapsedDesign,
    j: np.ndarray,
    levels: Sequence[str],
    min_side: int = MIN_SIDE,
    min_group: int = MIN_GROUP,
) -> ProportionalOddsTest | None:
    """Pool sparse answer levels, then the likelihood-ratio and Brant tests (module docstring).

    ``j`` is each cell's answer index into ``levels``. ``None`` when fewer than three pooled
    levels remain (with one cut point there is nothing to test).
    """
    design, j, small = drop_small_groups(design, j, min_group)
    if not design.terms:
        return None
    pooled, labels, merged = pool_sparse_levels(design, j, levels, min_side)
    if len(labels) < 3:
        return None
    pooled_note = (
        f"; answer levels pooled so every group has >= {min_side} respondents on each side of "
        f"each cut point: {', '.join(merged)}"
        if merged
        else ""
    )
    if small:
        pooled_note += (
            f"; groups with fewer than {min_group} respondents left out of the test: "
            + ", ".join(small)
        )
    lr = likelihood_ratio_tests(design, pooled, len(labels))
    lr["method"] = (
        "likelihood-ratio test against nominal (cut-point-specific) effects, "
        "as R's ordinal::nominal_test" + pooled_note
    )
    brant = brant_test(design, pooled, labels)
    brant.tests["method"] = brant.tests["method"] + pooled_note
    return ProportionalOddsTest(
        tests=lr,
        cut_estimates=brant.cut_estimates,
        brant=brant.tests,
        merged=merged,
        levels=labels,
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
    A statistic whose matrix has reciprocal condition below :data:`MIN_RCOND` is NaN (not
    defined); :func:`proportional_odds_tests` pools sparse levels first so that it is.
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
        middle = d @ cov @ d.T
        df = len(rows)
        if not np.all(np.isfinite(middle)) or 1.0 / np.linalg.cond(middle) < MIN_RCOND:
            return {"test": label, "statistic": np.nan, "df": df, "p_value": np.nan}
        stat = float(diff @ np.linalg.solve(middle, diff))
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
