"""Raking (iterative proportional fitting) of survey weights to population margins.

A voluntary staff survey over-represents some groups (senior staff answer more often, say). Raking
adjusts weights, one variable at a time, until the weighted share of every level of every raking
variable equals its population share; it needs only the margins (e.g. from ESR or the NHS Staff
Survey), not the joint distribution. Convergence is checked (largest gap between weighted and
target shares). Optional trimming bounds the weights relative to their mean (and re-rakes), which
trades a little bias for variance. The cost of weighting is reported as Kish's design effect
``deff = n sum w^2 / (sum w)^2`` and effective sample size ``n / deff``; weighted intervals in
:mod:`.crosstabs` use that effective size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


def _target_shares(values: pd.Series, target: Mapping[str, float], variable: str) -> pd.Series:
    shares = pd.Series({str(k): float(v) for k, v in target.items()})
    if (shares < 0).any() or shares.sum() <= 0:
        raise ValueError(f"margins for {variable!r} must be non-negative and not all zero")
    shares = shares / shares.sum()
    present = set(values.astype(str).unique())
    missing_targets = sorted(present - set(shares.index))
    if missing_targets:
        raise ValueError(f"{variable!r}: no population margin for {missing_targets}")
    empty = sorted(lv for lv in shares.index[shares > 0] if lv not in present)
    if empty:
        raise ValueError(f"{variable!r}: no respondents in {empty}; collapse levels first")
    return shares


def rake(
    frame: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    base_weights: pd.Series | None = None,
    max_iter: int = 200,
    tol: float = 1e-8,
    trim: tuple[float, float] | None = None,
    max_trim_rounds: int = 20,
) -> RakingResult:
    """Rake ``frame`` to ``margins`` ({variable: {level: population count or share}}).

    Every respondent must have a value on every raking variable (give "not stated" its own margin
    rather than dropping people). ``trim=(low, high)`` bounds weights to ``[low, high] x mean``
    (e.g. ``(0.3, 3.0)``), re-raking after each trim. Weights are scaled to mean 1.
    """
    variables = list(margins)
    data = frame[variables].astype("string")
    incomplete = data.isna().any(axis=1)
    if incomplete.any():
        raise ValueError(
            f"{int(incomplete.sum())} respondents have no value on a raking variable "
            f"({variables}); give missing values their own level and margin"
        )
    targets = {v: _target_shares(data[v], margins[v], v) for v in variables}
    codes = {v: data[v].to_numpy() for v in variables}
    w = (
        np.ones(len(frame))
        if base_weights is None
        else np.asarray(base_weights, dtype=float).copy()
    )
    w = w / w.mean()

    def gap(weights: np.ndarray) -> float:
        total = weights.sum()
        worst = 0.0
        for v in variables:
            shares = pd.Series(weights).groupby(codes[v]).sum() / total
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
                current = pd.Series(w).groupby(codes[v]).sum() / w.sum()
                factor = (targets[v] / current).reindex(codes[v]).to_numpy()
                w = w * factor
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
        sample = pd.Series(codes[v]).value_counts(normalize=True)
        weighted = pd.Series(w).groupby(codes[v]).sum() / w.sum()
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
    )
