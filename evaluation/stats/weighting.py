"""Raking (iterative proportional fitting) of survey weights to population margins.

A voluntary staff survey over-represents some groups (senior staff answer more often, say). Raking
adjusts weights, one variable at a time, until the weighted share of every level of every raking
variable equals its population share; it needs only the margins (e.g. from ESR or the NHS Staff
Survey), not the joint distribution. Convergence is checked (largest gap between weighted and
target shares). Optional trimming bounds the weights relative to their mean (and re-rakes), which
trades a little bias for variance. The cost of weighting is reported as Kish's design effect
``deff = n sum w^2 / (sum w)^2`` and effective sample size ``n / deff``; weighted intervals in
:mod:`.crosstabs` use that effective size.

Edges, handled without raising and reported in ``notes``:

- a margin level with **no respondents** (a small organisation with no medical staff answering)
  cannot be matched: it is collapsed into the variable's other levels (its population share is
  spread over them in proportion), and the note names it;
- respondents whose value on a raking variable is one of ``unstated`` (a survey answer such as
  "Prefer not to say", which is not a workforce attribute) are left out of that variable's step:
  the margin is matched among respondents who stated a value (the population's shares are
  renormalised over the levels given), and their weight comes from the other variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.stats.proportions import kish_effective_n


@dataclass
class RakingResult:
    """Raked weights (mean 1) with the evidence that they do what they claim."""

    weights: pd.Series
    converged: bool
    iterations: int
    max_margin_error: float  # largest |weighted share - target share| over all levels
    design_effect: float
    n_effective: float
    n_trimmed: int
    margins: pd.DataFrame  # variable, level, target_share, sample_share, weighted_share
    notes: list[str] = field(default_factory=list)  # levels collapsed, answers left out


def _target_shares(
    values: pd.Series, target: Mapping[str, float], variable: str, unstated: Sequence[str]
) -> tuple[pd.Series, list[str]]:
    """Target shares over the stated levels present in the sample, and notes on what changed."""
    shares = pd.Series({str(k): float(v) for k, v in target.items()})
    if (shares < 0).any() or shares.sum() <= 0:
        raise ValueError(f"margins for {variable!r} must be non-negative and not all zero")
    notes = []
    given_unstated = [lv for lv in shares.index if lv in set(unstated)]
    if given_unstated:
        shares = shares.drop(given_unstated)
        notes.append(
            f"{variable}: margin levels {given_unstated} are survey answers, not workforce "
            "attributes: not used (the margin is matched among respondents who stated a value)"
        )
    present = set(values.dropna().astype(str).unique()) - set(unstated)
    missing_targets = sorted(present - set(shares.index))
    if missing_targets:
        raise ValueError(f"{variable!r}: no population margin for {missing_targets}")
    empty = sorted(lv for lv in shares.index[shares > 0] if lv not in present)
    if empty:
        shares = shares.drop(empty)
        notes.append(
            f"{variable}: no respondents in {empty}; collapsed into the other levels (their "
            "population share spread over them in proportion)"
        )
    if shares.sum() <= 0:
        raise ValueError(f"{variable!r}: no respondents in any level with a population margin")
    return shares / shares.sum(), notes


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    base_weights: pd.Series | None = None,
    max_iter: int = 200,
    tol: float = 1e-8,
    trim: tuple[float, float] | None = None,
    max_trim_rounds: int = 20,
    unstated: Sequence[str] = (),
) -> RakingResult:
    """Rake ``frame`` to ``margins`` ({variable: {level: population count or share}}).

    Every respondent must have a value on every raking variable (give "not stated" its own margin
    rather than dropping people), unless the value is in ``unstated`` (module docstring).
    ``trim=(low, high)`` bounds weights to ``[low, high] x mean`` (e.g. ``(0.3, 3.0)``),
    re-raking after each trim. Weights are scaled to mean 1. Margin levels with no respondents
    are collapsed, never an error (``notes`` says which).
    """
    variables = list(margins)
    data = frame[variables].astype("string")
    incomplete = data.isna().any(axis=1)
    if incomplete.any():
        raise ValueError(
            f"{int(incomplete.sum())} respondents have no value on a raking variable "
            f"({variables}); give missing values their own level and margin"
        )
    targets, notes = {}, []
    for v in variables:
        targets[v], variable_notes = _target_shares(data[v], margins[v], v, unstated)
        notes += variable_notes
    codes = {v: data[v].to_numpy() for v in variables}
    stated = {v: ~pd.Series(codes[v]).isin(list(unstated)).to_numpy() for v in variables}
    w = (
        np.ones(len(frame))
        if base_weights is None
        else np.asarray(base_weights, dtype=float).copy()
    )
    w = w / w.mean()

    def gap(weights: np.ndarray) -> float:
        worst = 0.0
        for v in variables:
            mask = stated[v]
            shares = pd.Series(weights[mask]).groupby(codes[v][mask]).sum() / weights[mask].sum()
            worst = max(
                worst,
                float((shares.reindex(targets[v].index, fill_value=0) - targets[v]).abs().max()),
            )
        return worst

    iterations, trimmed = 0, 0
    for _ in range(max_trim_rounds):
        for _ in range(max_iter):
            iterations += 1
            for v in variables:
                mask = stated[v]
                current = pd.Series(w[mask]).groupby(codes[v][mask]).sum() / w[mask].sum()
                factor = (targets[v] / current).reindex(codes[v][mask]).to_numpy()
                w[mask] = w[mask] * factor
            if gap(w) < tol:
                break
        if trim is None:
            break
        w = w / w.mean()
        low, high = trim
        outside = (w < low - 1e-12) | (w > high + 1e-12)
        if not outside.any():
            break
        trimmed = int(outside.sum())
        w = np.clip(w, low, high)
    w = w / w.mean()
    error = gap(w)
    n_eff = kish_effective_n(w)
    rows = []
    for v in variables:
        mask = stated[v]
        sample = pd.Series(codes[v][mask]).value_counts(normalize=True)
        weighted = pd.Series(w[mask]).groupby(codes[v][mask]).sum() / w[mask].sum()
        for level, target in targets[v].items():
            rows.append(
                {
                    "variable": v,
                    "level": level,
                    "target_share": float(target),
                    "sample_share": float(sample.get(level, 0.0)),
                    "weighted_share": float(weighted.get(level, 0.0)),
                }
            )
    return RakingResult(
        weights=pd.Series(w, index=frame.index, name="weight"),
        converged=error < tol,
        iterations=iterations,
        max_margin_error=error,
        design_effect=len(w) / n_eff,
        n_effective=n_eff,
        n_trimmed=trimmed,
        margins=pd.DataFrame(rows),
        notes=notes,
    )


LINEARISED = (
    "Wilson score 95% interval on the effective sample size of the raked share's linearisation "
    "variance (residuals on the raking margins{fpc})"
)


def _calibration_matrix(
    frame: pd.DataFrame, result: RakingResult, unstated: Sequence[str]
) -> np.ndarray:
    """One column per raked margin level: ``s_i (1[x_i = level] - target)`` with ``s_i`` 1 where
    the respondent stated a value; raking makes every column's weighted sum zero."""
    columns = [np.ones(len(frame))]
    for variable, rows in result.margins.groupby("variable", sort=False):
        values = frame[variable].astype("string").to_numpy()
        stated = ~pd.Series(values).isin(list(unstated)).to_numpy()
        for row in rows.itertuples():
            columns.append(stated * ((values == row.level) - float(row.target_share)))
    return np.column_stack(columns)


def raked_share(
    success: pd.Series,
    domain: pd.Series,
    frame: pd.DataFrame,
    result: RakingResult,
    unstated: Sequence[str] = (),
    population_size: float | None = None,
) -> dict[str, float]:
    """A raked share with its linearisation (Taylor) variance, as ``survey::svymean`` on a
    ``rake``d design (Deville and Sarndal 1992; Sarndal, Swensson and Wretman 1992, s. 6.6).

    ``success`` is each respondent's outcome (``NA`` unanswered), ``domain`` who belongs to the
    indicator's population; ``frame`` holds the raking variables and ``result`` the raking that
    gave the weights. The share is the ratio ``p = sum_d w y / sum_d w``; its linearised variable
    ``z = d (y - p) / sum_d w`` is regressed (weighted by ``w``) on the calibration columns, and
    the variance is that of the weighted residuals ``u = w e``: ``(1 - f) n / (n - 1) sum (u -
    mean u)^2``. Why not Kish's ``n / deff``: Kish's effective size counts only the spread of the
    weights, not what calibration removes (the part of the outcome explained by the margins), and
    it knows nothing of the population's size. With ``population_size`` ``N`` each respondent's
    finite population correction ``1 - pi_i`` applies, ``pi_i = n / (N w_i)`` (weights of mean
    1) the response probability the weights imply, as for Poisson sampling: the workforce is
    finite and the estimand is its share, so a survey reaching a quarter of the workforce has
    less variance than an infinite-population formula says; a single ``1 - n / N`` would
    over-correct, since the variance comes mostly from the large weights of groups that rarely
    answer. Returns ``share`` (0-1), ``variance``, ``n_eff`` (the
    sample size a simple random sample would need for the same variance: ``p (1 - p) / var``).
    """
    w = result.weights.to_numpy(dtype=float)
    answered = success.notna().to_numpy()
    d = domain.to_numpy(dtype=bool) & answered
    y = success.fillna(False).to_numpy(dtype=float)
    n = len(w)
    total = float(w[d].sum())
    if total <= 0:
        return {"share": np.nan, "variance": np.nan, "n_eff": 0.0}
    share = float((w * y)[d].sum() / total)
    z = np.where(d, y - share, 0.0) / total
    A = _calibration_matrix(frame, result, unstated)
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(A * sw[:, None], z * sw, rcond=None)
    u = w * (z - A @ coef)
    if population_size is None:
        fpc = np.ones(n)
    else:  # each respondent's own: 1 - pi_i, pi_i = 1 / (w_i N / n) its response probability
        fpc = np.clip(1.0 - n / (float(population_size) * w / w.mean()), 0.0, 1.0)
    variance = n / (n - 1) * float(np.sum(fpc * (u - u.mean()) ** 2)) if n > 1 else np.nan
    # at 0% or 100% there is no spread to measure: Kish's effective size instead
    n_eff = share * (1 - share) / variance if variance > 0 else kish_effective_n(w[d])
    return {"share": share, "variance": variance, "n_eff": float(n_eff)}
