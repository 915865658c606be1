"""Separation and quasi-separation in logistic and cumulative-logit models, by a linear programme.

When some combination of predictors predicts the outcome perfectly (every senior leader in one
organisation type answered "Yes", say), the likelihood keeps rising as a coefficient goes to
infinity: there is no maximum-likelihood estimate. An iterative fit then stops at a large value
(a log-odds of 30 or so) with a huge standard error and, often, reports that it converged. The
estimate must not be published as if it were finite.

The check (Konis 2007, *Linear programming algorithms for detecting separated data in binary
logistic regression models*, DPhil thesis, Oxford; the R package ``detectseparation``) looks for a
*recession direction*: a non-zero change ``d`` of the parameters along which no observation's
likelihood falls. It exists exactly when the MLE does not. In the cumulative form used here
(``P(Y <= k) = F(theta_k - x'beta)``; binary logistic is the case of two levels, with
``theta = -intercept``), a direction ``d = (d_theta, d_beta)`` is a recession direction when, for
every cell with answer ``j``,

- ``d_theta_j - x'd_beta >= 0`` (its upper cumulative probability does not fall; ``j`` not top),
- ``d_theta_{j-1} - x'd_beta <= 0`` (its lower one does not rise; ``j`` above the bottom),

and ``d_theta`` is non-decreasing (the cut points stay ordered). The cone of such directions is
searched with ``scipy.optimize.linprog`` inside the box ``-1 <= d <= 1``: first maximising the total
slack, then each coefficient up and down. A coefficient that can move in some recession direction
is *not estimable* (its estimate is infinite); the cells whose constraints are strict in some
direction are those the separated terms predict perfectly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

TOLERANCE = 1e-7


@dataclass
class SeparationCheck:
    """Outcome of the linear programme: which slopes are infinite, which cells they predict."""

    separated: bool
    separated_columns: list[int]  # columns of X (slopes) whose estimate is infinite
    perfectly_predicted: np.ndarray  # boolean per cell: fitted exactly in the limit
    direction: np.ndarray  # one recession direction (thresholds then slopes), zeros if none

    @property
    def method(self) -> str:
        return "separation check: Konis linear programme for a recession direction"


def _constraints(X: np.ndarray, j: np.ndarray, n_levels: int) -> np.ndarray:
    """Rows ``a`` with ``a @ d <= 0`` for every recession direction ``d = (d_theta, d_beta)``."""
    n_theta = n_levels - 1
    rows = []
    for i in range(X.shape[0]):
        if j[i] < n_levels - 1:  # -(d_theta_j - x'd_beta) <= 0
            a = np.zeros(n_theta + X.shape[1])
            a[j[i]] = -1.0
            a[n_theta:] = X[i]
            rows.append(a)
        if j[i] > 0:  # d_theta_{j-1} - x'd_beta <= 0
            a = np.zeros(n_theta + X.shape[1])
            a[j[i] - 1] = 1.0
            a[n_theta:] = -X[i]
            rows.append(a)
    for k in range(n_theta - 1):  # d_theta_k - d_theta_{k+1} <= 0
        a = np.zeros(n_theta + X.shape[1])
        a[k], a[k + 1] = 1.0, -1.0
        rows.append(a)
    return np.array(rows)


def _cell_rows(j: np.ndarray, n_levels: int) -> np.ndarray:
    """For each constraint row from :func:`_constraints` on cells, the cell it belongs to."""
    owners = []
    for i, level in enumerate(j):
        if level < n_levels - 1:
            owners.append(i)
        if level > 0:
            owners.append(i)
    return np.array(owners, dtype=int)


def check_separation(
    X: np.ndarray, j: np.ndarray, n_levels: int, freq: np.ndarray | None = None
) -> SeparationCheck:
    """Look for (quasi-)separation of a cumulative-logit (or, with two levels, logistic) model.

    ``X`` is the design without a constant (one row per cell), ``j`` each cell's answer index
    (0 = lowest), ``freq`` the cell counts (cells with none are ignored). Returns the slopes that
    can grow without bound and the cells they predict perfectly.
    """
    X_all = np.asarray(X, dtype=float)
    j_all = np.asarray(j, dtype=int)
    keep = np.ones(len(j_all), dtype=bool) if freq is None else np.asarray(freq) > 0
    # one constraint set per distinct (pattern, answer): clusters repeat patterns
    unique, inverse = np.unique(
        np.column_stack([X_all[keep], j_all[keep]]), axis=0, return_inverse=True
    )
    inverse = inverse.ravel()
    X, j = unique[:, :-1], unique[:, -1].astype(int)
    n_theta, p = n_levels - 1, X.shape[1]
    size = n_theta + p
    A = _constraints(X, j, n_levels)
    bounds = [(-1.0, 1.0)] * size
    directions = []

    def solve(c: np.ndarray) -> np.ndarray | None:
        res = optimize.linprog(c, A_ub=A, b_ub=np.zeros(len(A)), bounds=bounds, method="highs")
        return res.x if res.status == 0 else None

    # maximise total slack: sum over rows of -(a @ d)  <=>  minimise (sum of rows) @ d
    first = solve(A.sum(axis=0))
    if first is not None:
        directions.append(first)
    for col in range(n_theta, size):
        for sign in (-1.0, 1.0):
            c = np.zeros(size)
            c[col] = sign
            d = solve(c)
            if d is not None and abs(d[col]) > TOLERANCE:
                directions.append(d)
    direction = np.mean(directions, axis=0) if directions else np.zeros(size)
    slack = -(A @ direction)
    n_cell_rows = len(_cell_rows(j, n_levels))
    strict_rows = slack[:n_cell_rows] > TOLERANCE
    strict_cells = np.zeros(len(j), dtype=bool)
    strict_cells[_cell_rows(j, n_levels)[strict_rows]] = True
    moving = set()
    for d in directions:
        moving |= {c - n_theta for c in range(n_theta, size) if abs(d[c]) > TOLERANCE}
    perfectly = np.zeros(keep.size, dtype=bool)
    perfectly[np.flatnonzero(keep)] = strict_cells[inverse]
    separated = bool(moving) or bool(strict_cells.any())
    return SeparationCheck(
        separated=separated,
        separated_columns=sorted(moving),
        perfectly_predicted=perfectly,
        direction=direction if separated else np.zeros(size),
    )


@dataclass
class Reduction:
    """Which cells and columns remain estimable after taking out separated terms."""

    cells: np.ndarray  # boolean per cell: kept for the fit
    columns: np.ndarray  # boolean per column of X: estimable
    checks: list[SeparationCheck]

    @property
    def separated(self) -> bool:
        return bool(self.checks) and self.checks[0].separated


def estimable_part(
    X: np.ndarray, j: np.ndarray, n_levels: int, freq: np.ndarray, max_rounds: int = 5
) -> Reduction:
    """Drop separated slopes and the cells they predict perfectly, until no separation is left.

    This is the limiting fit: as the separated coefficients go to infinity the perfectly
    predicted cells contribute probability 1, and the other coefficients maximise the likelihood
    of the remaining cells. A column left with no respondents (or only one answer) is
    not estimable too.
    """
    cells = np.asarray(freq) > 0
    columns = np.ones(X.shape[1], dtype=bool)
    checks = []
    for _ in range(max_rounds):
        sub = X[np.ix_(cells, columns)]
        check = check_separation(sub, j[cells], n_levels)
        checks.append(check)
        if not check.separated:
            break
        idx = np.flatnonzero(columns)
        columns[idx[check.separated_columns]] = False
        cells[np.flatnonzero(cells)[check.perfectly_predicted]] = False
        # columns with no variation left among the kept cells are not identified
        for c in np.flatnonzero(columns):
            if np.ptp(X[cells, c]) == 0:
                columns[c] = False
        if np.unique(j[cells]).size < n_levels:
            break
    return Reduction(cells=cells, columns=columns, checks=checks)
