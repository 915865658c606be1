"""Headline indicators weighted to the workforce: raking to population margins.

A voluntary survey's respondents are not the workforce: if senior staff or one ethnic group answer
more readily, unweighted shares lean their way. Raking reweights respondents so that their mix
matches the workforce's margins (for example pay band group and White / Global Majority, from
ESR), and the report shows weighted beside unweighted estimates with the design effect: the price
of weighting in precision.

Margins are workforce attributes only: "Prefer not to say" and "Not stated" are answers to the
survey, so respondents giving them are left out of that variable's raking step (the margin is
matched among those who stated a value) and such levels in a margins file are ignored, with a note;
a margin level with no respondents is collapsed into the others, with a note (``attrs["notes"]``).

Population: the workforce described by the margins file. Assumptions: within each cell of the
raking variables, respondents resemble non-respondents (missing at random given band group and
ethnicity group); intervals are Wilson intervals on Kish's effective sample size, which accounts
for unequal weights but not for clustering within organisations.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from evaluation.analyses.headlines import headline_estimates
from evaluation.disclosure import DEFAULT_MIN_CELL, suppress
from evaluation.errors import InputError
from evaluation.stats import RakingResult, rake

WEIGHT = "rake_weight"
# survey answers, not workforce attributes: never a raking margin (evaluation.stats.weighting)
UNSTATED = ("Prefer not to say", "Not stated")


def load_margins(path: Path | str) -> dict[str, dict[str, float]]:
    """Read a margins file: ``{variable: {level: share or count}}``."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise InputError("expected {variable: {level: share}} mappings", file=path)
    return {str(k): {str(level): float(s) for level, s in v.items()} for k, v in raw.items()}


def raking_weights(
    frame: pd.DataFrame, margins: dict[str, dict[str, float]]
) -> tuple[pd.Series, RakingResult]:
    """Raked weights (mean 1) for every respondent, and the raking's diagnostics."""
    missing = [v for v in margins if v not in frame.columns]
    if missing:
        raise InputError(f"margins name variables the survey does not have: {missing}")
    result = rake(frame, margins, unstated=UNSTATED)
    return pd.Series(result.weights.to_numpy(), index=frame.index, name=WEIGHT), result


def weighted_headline_indicators(
    frame: pd.DataFrame, margins: dict[str, dict[str, float]], min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Each headline indicator unweighted and weighted to the margins, suppressed.

    Columns ``indicator, label, population, n, n_positive, pct, pct_weighted, ci_low, ci_high,
    n_eff``: ``pct`` is the unweighted share, ``pct_weighted`` the raked one with its 95% interval
    on the effective sample size ``n_eff``. Suppression rests on the unweighted counts.
    """
    weights, result = raking_weights(frame, margins)
    unweighted = headline_estimates(frame)
    weighted = headline_estimates(frame.assign(**{WEIGHT: weights}), weights=WEIGHT)
    table = unweighted[["indicator", "label", "population", "n", "n_positive", "pct"]].copy()
    table["pct_weighted"] = weighted["pct"].to_numpy()
    table["ci_low"] = weighted["ci_low"].to_numpy()
    table["ci_high"] = weighted["ci_high"].to_numpy()
    table["n_eff"] = weighted["n_eff"].round(0).to_numpy()
    rounded = ["pct", "pct_weighted", "ci_low", "ci_high"]
    table[rounded] = table[rounded].round(1)
    shown = suppress(
        table,
        n_col="n",
        count_cols=["n_positive"],
        dependent_cols=["pct", "pct_weighted", "ci_low", "ci_high", "n_eff"],
        group_cols=["indicator", "label", "population"],
        totals_known=False,
        min_cell=min_cell,
    )
    shown.attrs["notes"] = list(result.notes)
    return shown


def raking_diagnostics(frame: pd.DataFrame, margins: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Target and weighted shares per margin level (0-100), with the design effect.

    The respondents' own shares are left out: with the total known, a small level's share would
    give back a count that the response profile suppresses.
    """
    _, result = raking_weights(frame, margins)
    table = result.margins.drop(columns="sample_share")
    for column in ("target_share", "weighted_share"):
        table[column] = (100 * table[column]).round(1)
    table = table.rename(columns=lambda c: c.replace("_share", "_pct"))
    table["design_effect"] = round(result.design_effect, 3)
    table["converged"] = result.converged
    table.attrs["notes"] = list(result.notes)
    return table
