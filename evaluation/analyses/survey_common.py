"""Shared pieces of the survey analyses: favourable answers from the instrument, model
preparation and publication (rounding by :mod:`evaluation.rounding`, then disclosure).

The published tables themselves are declared, with a description of every column, in
:mod:`evaluation.analyses.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, TableSpec, suppress
from evaluation.instrument import Instrument, load_instrument
from evaluation.rounding import round_published
from evaluation.stats import ModelResult


def positive(variable: str, instrument: Instrument | None = None) -> tuple[str, ...]:
    """The favourable answers of a variable, from its scale in the instrument."""
    values = (instrument or load_instrument())[variable].positive
    if not values:
        raise KeyError(f"{variable!r} has no favourable answers in the instrument")
    return values


def publish(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    count_cols: Sequence[str],
    group_cols: Sequence[str],
    label_cols: Sequence[str] = (),
    partition_col: str | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Select ``columns``, round them (:mod:`evaluation.rounding`) and suppress small cells.

    Totals over the groups are assumed known (overall figures are published elsewhere), so a
    single hidden group is always paired with a second one, unless it is a residual group of
    the instrument ("Prefer not to say": :mod:`evaluation.disclosure`).
    """
    table = round_published(frame[list(columns)])
    dependents = [c for c in columns if c.startswith(("pct", "ci_"))]
    return suppress(
        table.reset_index(drop=True),
        n_col="n",
        count_cols=count_cols,
        dependent_cols=dependents,
        group_cols=group_cols,
        label_cols=label_cols,
        partition_col=partition_col,
        totals_known=True,
        min_cell=min_cell,
        residual_labels=load_instrument().residual_labels,
    )


def choose_reference(values: pd.Series, preferred: str) -> str | None:
    """``preferred`` if anyone is in it, else the largest level (None when fewer than 2 levels)."""
    counts = values.value_counts()
    counts = counts[counts > 0]
    if len(counts) < 2:
        return None
    return preferred if preferred in counts.index else str(counts.index[0])


def model_frame(
    frame: pd.DataFrame, predictors: Mapping[str, str]
) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """Prepare a model: drop residual groups ("Prefer not to say" ethnicity, from the instrument),
    pick references, drop constants.

    Returns the rows to model, the ``{predictor: reference}`` actually used (a predictor with a
    single level in scope, e.g. ``org_type`` in one organisation's report, is left out), and the
    count of respondents excluded for each reason.
    """
    excluded: dict[str, int] = {}
    data = frame
    if "ethnicity_group" in predictors:
        not_stated = data["ethnicity_group"].isin(list(load_instrument().residual_labels))
        excluded["ethnicity Prefer not to say"] = int(not_stated.sum())
        data = data[~not_stated.fillna(False)].copy()
        data["ethnicity_group"] = data["ethnicity_group"].cat.remove_unused_categories()
    used: dict[str, str] = {}
    for variable, preferred in predictors.items():
        reference = choose_reference(data[variable], preferred)
        if reference is not None:
            used[variable] = reference
    return data, used, excluded


def publish_model(
    result: ModelResult,
    columns: Sequence[str],
    min_cell: int = DEFAULT_MIN_CELL,
    kinds: Sequence[str] = ("intercept", "slope"),
) -> pd.DataFrame:
    """The coefficients of a fitted model as a published table.

    A coefficient comparing a level with fewer than ``min_cell`` respondents is suppressed (its
    estimate describes those few people). Rounded by :mod:`evaluation.rounding`.
    """
    table = result.coefficients[result.coefficients["kind"].isin(kinds)].copy()
    counts = result.level_counts
    table["n"] = [counts.get(term, result.n) for term in table["term"]]
    table = round_published(table[[*columns, "n"]])
    shown = suppress(
        table.reset_index(drop=True),
        n_col="n",
        count_cols=[],
        dependent_cols=[c for c in columns if c != "term"],
        group_cols=[],
        label_cols=["term"],
        totals_known=False,
        min_cell=min_cell,
    )
    out = shown.drop(columns="n")
    out.attrs = {
        "disclosure": {
            **TableSpec(n_col=None, label_cols=("term",)).as_dict(),
            "min_cell": min_cell,
        },
        "n": result.n,
        "method": result.method,
    }
    return out
