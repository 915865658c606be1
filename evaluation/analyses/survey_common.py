"""Shared pieces of the survey analyses: favourable answers from the instrument, model
preparation, publication (rounding + disclosure) and the table dictionary.

Every published table function is registered with :func:`published`, which records one
description per column; :func:`table_dictionary` returns them for ``tables/README`` and the
dictionary CSV, so a column is described once, next to the code that makes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, TableSpec, suppress
from evaluation.instrument import Instrument, load_instrument
from evaluation.stats import ModelResult

PREFER_NOT_TO_SAY = "Prefer not to say"
PCT_DECIMALS = 1
COEF_DECIMALS = 3
P_DECIMALS = 4

F = TypeVar("F", bound=Callable[..., pd.DataFrame])


@dataclass(frozen=True)
class PublishedTable:
    """A published table: its name, what it shows, and a description of every column."""

    name: str
    description: str
    columns: Mapping[str, str]
    function: Callable[..., pd.DataFrame]


PUBLISHED: dict[str, PublishedTable] = {}


def published(name: str, description: str, columns: Mapping[str, str]) -> Callable[[F], F]:
    """Register a function returning a published table (its columns in ``columns`` order)."""

    def register(func: F) -> F:
        PUBLISHED[name] = PublishedTable(name, description, dict(columns), func)
        return func

    return register


def published_tables() -> dict[str, PublishedTable]:
    """Every registered published survey table (importing the analyses registers them)."""
    from evaluation.analyses import (  # noqa: F401
        awareness,
        barriers,
        capability,
        headlines,
        likert,
        reporting,
        scorecard,
    )

    return dict(PUBLISHED)


def table_dictionary() -> pd.DataFrame:
    """One row per published table column: ``table, column, description``."""
    rows = [
        {"table": t.name, "column": column, "description": text}
        for t in published_tables().values()
        for column, text in t.columns.items()
    ]
    return pd.DataFrame(rows, columns=["table", "column", "description"])


def positive(variable: str, instrument: Instrument | None = None) -> tuple[str, ...]:
    """The favourable answers of a variable, from its scale in the instrument."""
    values = (instrument or load_instrument())[variable].positive
    if not values:
        raise KeyError(f"{variable!r} has no favourable answers in the instrument")
    return values


def interval_columns(what: str) -> dict[str, str]:
    """Descriptions of the interval columns of a percentage."""
    return {
        "ci_low": f"lower limit of the 95% Wilson interval for {what} (0-100)",
        "ci_high": f"upper limit of the 95% Wilson interval for {what} (0-100)",
    }


def round_percentages(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = frame.copy()
    present = [c for c in columns if c in out.columns]
    out[present] = out[present].astype(float).round(PCT_DECIMALS)
    return out


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
    """Select ``columns``, round percentages to one decimal and suppress small cells.

    Totals over the groups are assumed known (overall figures are published elsewhere), so a
    single hidden group is always paired with a second one.
    """
    table = round_percentages(
        frame[list(columns)], [c for c in columns if c.startswith(("pct", "ci_"))]
    )
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
    """Prepare a model: drop "Prefer not to say" ethnicity, pick references, drop constants.

    Returns the rows to model, the ``{predictor: reference}`` actually used (a predictor with a
    single level in scope, e.g. ``org_type`` in one organisation's report, is left out), and the
    count of respondents excluded for each reason.
    """
    excluded: dict[str, int] = {}
    data = frame
    if "ethnicity_group" in predictors:
        not_stated = data["ethnicity_group"] == PREFER_NOT_TO_SAY
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
    estimate describes those few people). Estimates to 3 decimals, p-values to 4.
    """
    table = result.coefficients[result.coefficients["kind"].isin(kinds)].copy()
    counts = result.level_counts
    table["n"] = [counts.get(term, result.n) for term in table["term"]]
    numeric = [c for c in columns if c not in ("term", "p_value")]
    table[numeric] = table[numeric].round(COEF_DECIMALS)
    if "p_value" in columns:
        table["p_value"] = table["p_value"].round(P_DECIMALS)
    shown = suppress(
        table[[*columns, "n"]].reset_index(drop=True),
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
