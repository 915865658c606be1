"""Tidy crosstabs: the share answering favourably per group, and full answer distributions.

Every function returns one row per group (or group x answer) with the respondent counts ``n`` and
``count`` (what disclosure control needs), ``pct`` (0-100), and a 95% Wilson interval. Group columns
that are pandas Categoricals keep all their categories in order (an empty group has ``n = 0``, so
tables keep the same shape between waves and scopes); rows whose group value is missing are left out
of the table (callers that care count them). With ``weights`` the shares are weighted and the
interval uses the Kish effective sample size within each group (see :mod:`.proportions`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.stats.proportions import WILSON, WILSON_KISH, wilson_interval


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def success_indicator(values: pd.Series, positive: Sequence[str] | None = None) -> pd.Series:
    """Nullable boolean: ``True`` where the answer is in ``positive``, ``NA`` where unanswered.

    With ``positive=None`` the column must already be boolean-like (a multi-select flag, say).
    """
    if positive is None:
        return values.astype("boolean")
    result = values.isin(list(positive)).astype("boolean")
    result[values.isna()] = pd.NA
    return result


def _interval_columns(
    out: pd.DataFrame, count: str, n: str, alpha: float, weighted: bool
) -> pd.DataFrame:
    """Add ``pct, ci_low, ci_high, method`` from counts (or weighted sums) already in ``out``."""
    if weighted:
        share = out["_w_pos"] / out["_w"].where(out["_w"] > 0)
        n_eff = (out["_w"] ** 2 / out["_w2"].where(out["_w2"] > 0)).fillna(0.0)
        low, high = wilson_interval(share.fillna(0.0) * n_eff, n_eff, alpha)
        out["pct"] = 100 * share
        out["n_eff"] = n_eff
        out["weighted_n"] = out["_w"]
    else:
        low, high = wilson_interval(out[count], out[n], alpha)
        out["pct"] = 100 * out[count] / out[n].where(out[n] > 0)
    out["ci_low"] = 100 * low
    out["ci_high"] = 100 * high
    out["method"] = WILSON_KISH if weighted else WILSON
    return out.drop(columns=[c for c in ("_w", "_w_pos", "_w2") if c in out.columns])


def proportion_by(
    frame: pd.DataFrame,
    outcome: str,
    positive: Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Share of respondents whose ``outcome`` is in ``positive``, per group of ``by``.

    ``n`` counts respondents who answered ``outcome`` (missing answers are left out of the
    denominator, as in the NHS Staff Survey), ``count`` those answering favourably. Columns:
    ``*by, n, count, pct, ci_low, ci_high, method`` (+ ``n_eff, weighted_n`` when weighted).
    """
    groups = _as_list(by)
    work = pd.DataFrame({g: frame[g] for g in groups})
    success = success_indicator(frame[outcome], positive)
    work["n"] = success.notna().astype(int)
    work["count"] = success.fillna(False).astype(int)
    sums = ["n", "count"]
    if weights is not None:
        w = frame[weights].astype(float).where(success.notna(), 0.0).fillna(0.0)
        work["_w"], work["_w_pos"], work["_w2"] = w, w * work["count"], w**2
        sums += ["_w", "_w_pos", "_w2"]
    if groups:
        out = work.groupby(groups, observed=False, sort=True, dropna=True)[sums].sum()
        out = out.reset_index()
    else:
        out = work[sums].sum().to_frame().T
    out[["n", "count"]] = out[["n", "count"]].astype(int)
    return _interval_columns(out, "count", "n", alpha, weights is not None)


def distribution_by(
    frame: pd.DataFrame,
    outcome: str,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The full answer distribution of ``outcome`` within each group: each level's share.

    One row per group x answer (``response``, in the outcome's category order, every level present
    even when nobody chose it). ``n`` is the group's respondents who answered, ``count`` those
    giving this answer; each level's interval is the Wilson interval for that level's share.
    Columns: ``*by, response, n, count, pct, ci_low, ci_high, method``.
    """
    groups = _as_list(by)
    answers = frame[outcome]
    if not isinstance(answers.dtype, pd.CategoricalDtype):
        answers = answers.astype("category")
    work = pd.DataFrame({g: frame[g] for g in groups})
    work["response"] = answers
    work["count"] = 1
    sums = ["count"]
    if weights is not None:
        w = frame[weights].astype(float).fillna(0.0)
        work["_w_pos"], work["_w2"] = w, w**2
        sums += ["_w_pos", "_w2"]
    work = work[answers.notna()]
    keys = [*groups, "response"]
    out = work.groupby(keys, observed=False, sort=True, dropna=True)[sums].sum().reset_index()
    totals = out.groupby(groups, observed=False, sort=False) if groups else None
    if totals is not None:
        out["n"] = totals["count"].transform("sum")
    else:
        out["n"] = out["count"].sum()
    if weights is not None:
        if totals is not None:
            out["_w"] = totals["_w_pos"].transform("sum")
            out["_w2"] = totals["_w2"].transform("sum")
        else:
            out["_w"], out["_w2"] = out["_w_pos"].sum(), out["_w2"].sum()
    out[["n", "count"]] = out[["n", "count"]].astype(int)
    out = out[[*keys, "n", "count", *[c for c in out.columns if c.startswith("_")]]]
    return _interval_columns(out, "count", "n", alpha, weights is not None)


def contingency_table(
    frame: pd.DataFrame, rows: str, columns: str, weights: str | None = None
) -> pd.DataFrame:
    """Wide table of counts (or weighted sums) of ``rows`` x ``columns``; missing values left out.

    Categorical columns keep every category (zero rows/columns included), so callers wanting a test
    should drop empty margins first (:func:`evaluation.stats.association.chi_square_test` does).
    """
    values = None if weights is None else frame[weights].astype(float)
    kept = frame[rows].notna() & frame[columns].notna()
    table = pd.crosstab(
        frame.loc[kept, rows],
        frame.loc[kept, columns],
        values=None if values is None else values[kept],
        aggfunc=None if values is None else "sum",
        dropna=False,
    )
    return table.fillna(0.0 if weights is not None else 0).astype(
        float if weights is not None else np.int64
    )
