"""Design matrices on the collapsed table: one row per covariate pattern x outcome value.

Survey predictors are a handful of categorical variables, so a million respondents fall into a few
hundred covariate patterns. Likelihoods of binary and ordinal models depend on the data only through
the counts in each pattern x outcome cell, so fitting on those counts (frequency weights) gives the
same estimates as the row-level fit, in milliseconds. For cluster-robust errors the table is
collapsed by cluster x pattern x outcome: the score of a cell is the sum of its respondents' scores
(they share the same covariates and outcome), so cluster sums of scores are unchanged too.

Categorical predictors enter as dummy columns against an explicit reference level (named in the
term, so a table never hides its comparison); levels nobody is in are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Term:
    """One column of the design: a dummy (``variable: level`` vs ``reference``) or a numeric."""

    name: str
    variable: str
    level: str | None = None
    reference: str | None = None


@dataclass
class CollapsedDesign:
    """Counts per (cluster x) pattern x outcome, with the design matrix for those rows."""

    X: np.ndarray  # one row per collapsed cell, one column per term (no constant)
    outcome: pd.Series  # outcome value of each cell (as in the input)
    freq: np.ndarray  # respondents in each cell
    terms: list[Term]
    cluster: np.ndarray | None  # integer cluster code per cell
    n: int  # respondents used
    n_excluded: int  # respondents left out for a missing outcome, predictor or cluster
    level_counts: dict[str, int] = field(default_factory=dict)  # respondents per term and reference
    # clusters (organisations) holding respondents at each dummy term's level (None: no cluster)
    term_clusters: dict[str, int] = field(default_factory=dict)

    @property
    def term_names(self) -> list[str]:
        return [t.name for t in self.terms]

    @property
    def n_clusters(self) -> int | None:
        return None if self.cluster is None else int(np.unique(self.cluster).size)


def term_name(variable: str, level: str, reference: str) -> str:
    """Readable name of a dummy term, e.g. ``role_level: Senior leader (ref. Frontline)``."""
    return f"{variable}: {level} (ref. {reference})"


def collapse(
    frame: pd.DataFrame,
    outcome: str,
    categorical: Mapping[str, str] | None = None,
    numeric: Sequence[str] = (),
    cluster: str | None = None,
) -> CollapsedDesign:
    """Collapse ``frame`` to counts per (cluster x) covariate pattern x outcome and build dummies.

    ``categorical`` maps each categorical predictor to its reference level; the reference must be
    present in the data. Respondents with a missing outcome, predictor or cluster are excluded and
    counted (``n_excluded``).
    """
    categorical = dict(categorical or {})
    predictors = [*categorical, *numeric]
    keys = ([cluster] if cluster else []) + predictors + [outcome]
    data = frame[keys]
    complete = data.notna().all(axis=1)
    used = data[complete]
    cells = used.groupby(keys, observed=True, sort=True).size().reset_index(name="_freq")
    cells = cells[cells["_freq"] > 0].reset_index(drop=True)

    columns: list[np.ndarray] = []
    terms: list[Term] = []
    level_counts: dict[str, int] = {}
    for variable, reference in categorical.items():
        values = used[variable]
        present = values.value_counts(sort=False)
        present = present[present > 0]
        order = (
            list(values.cat.categories)
            if isinstance(values.dtype, pd.CategoricalDtype)
            else sorted(present.index)
        )
        levels = [lv for lv in order if lv in present.index]
        if reference not in levels:
            raise ValueError(f"reference level {reference!r} of {variable!r} has no respondents")
        level_counts[f"{variable}: {reference} (reference)"] = int(present[reference])
        for level in levels:
            if level == reference:
                continue
            name = term_name(variable, str(level), str(reference))
            terms.append(Term(name, variable, str(level), str(reference)))
            columns.append((cells[variable] == level).to_numpy(dtype=float))
            level_counts[name] = int(present[level])
    for variable in numeric:
        terms.append(Term(variable, variable))
        columns.append(cells[variable].to_numpy(dtype=float))
    X = np.column_stack(columns) if columns else np.empty((len(cells), 0))
    cluster_codes = None
    term_clusters: dict[str, int] = {}
    if cluster:
        cluster_codes = pd.factorize(cells[cluster].astype(str))[0]
        for term, column in zip(terms, columns, strict=True):
            if term.level is not None:
                term_clusters[term.name] = int(np.unique(cluster_codes[column > 0]).size)
    return CollapsedDesign(
        X=X,
        outcome=cells[outcome],
        freq=cells["_freq"].to_numpy(dtype=float),
        terms=terms,
        cluster=cluster_codes,
        n=int(complete.sum()),
        n_excluded=int((~complete).sum()),
        level_counts=level_counts,
        term_clusters=term_clusters,
    )


def cluster_robust_cov(
    bread: np.ndarray, scores: np.ndarray, cluster: np.ndarray, n: int
) -> np.ndarray:
    """Sandwich covariance ``B (sum_g s_g s_g') B`` with cluster sums of score contributions.

    ``bread`` is the inverse information matrix, ``scores`` one row of score contributions per
    collapsed cell (already multiplied by the cell's frequency). The small-sample factor
    ``G/(G-1) * (n-1)/(n-k)`` is statsmodels' default for ``cov_type="cluster"`` (and Stata's), with
    ``n`` the number of respondents, so the collapsed fit reproduces the row-level one.
    """
    codes = pd.factorize(cluster)[0]
    groups = int(codes.max()) + 1
    sums = np.zeros((groups, scores.shape[1]))
    np.add.at(sums, codes, scores)
    meat = sums.T @ sums
    k = bread.shape[0]
    factor = groups / (groups - 1) * (n - 1) / (n - k)
    return factor * bread @ meat @ bread


CR1 = "CR1"
CV3 = "CV3"


def clusters_phrase(used: int, total: int | None) -> str:
    """ "over G clusters" for a model's method text, G being the clusters the errors use.

    Separated cells are dropped before the fit, and a cluster holding only such cells drops out
    of the errors and of the t(G - 1) reference: the text then names both counts, so that the
    clusters it states agree with the degrees of freedom beside them.
    """
    if total is None or total == used:
        return f"over {used} clusters"
    return f"over {used} clusters ({total - used} of {total} hold only separated cells)"


def cluster_jackknife_cov(
    info: np.ndarray, cluster_info: Sequence[np.ndarray], cluster_scores: np.ndarray
) -> np.ndarray:
    """Linearised delete-one-cluster jackknife covariance (CV3 of MacKinnon, Nielsen and Webb
    2023, "Cluster-robust inference: a guide to empirical practice", J. Econometrics 232).

    Leaving cluster ``g`` out moves the estimate by one Newton step ``delta_g = -(I - I_g)^-1
    s_g`` (``I`` the information of the whole sample, ``I_g`` cluster ``g``'s part, ``s_g`` its
    score at the estimate; the whole sample's score is zero), and ``CV3 = (G - 1) / G sum_g
    delta_g delta_g'``. Why not CR1 (:func:`cluster_robust_cov`): its meat uses each cluster's
    own fitted residuals, which a cluster with high leverage (most of a small level's
    respondents) pulls towards zero, so with tens of unbalanced clusters it is too small and
    intervals under-cover; the jackknife removes the cluster before measuring it, as CR3 does in
    the linear model. A cluster whose removal leaves the information singular (it holds all of a
    term's respondents) gets the pseudo-inverse step. Use with t(G - 1) critical values.
    """
    groups = len(cluster_info)
    deltas = np.zeros((groups, info.shape[0]))
    for g, (info_g, score_g) in enumerate(zip(cluster_info, cluster_scores, strict=True)):
        rest = info - info_g
        if np.linalg.cond(rest) < 1e12:
            deltas[g] = -np.linalg.solve(rest, score_g)
        else:
            deltas[g] = -np.linalg.pinv(rest, rcond=1e-12) @ score_g
    return (groups - 1) / groups * deltas.T @ deltas
