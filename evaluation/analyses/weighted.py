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
ethnicity group). Intervals are Wilson intervals on the effective sample size of the raked
share's linearisation variance (:func:`evaluation.stats.weighting.raked_share`, as
``survey::svymean`` on a raked design): it counts both the cost of unequal weights and what the
calibration to the margins removes, and, when the workforce's size is known (``population_size``,
or margins given as head counts), the finite population correction ``1 - n / N``: the estimand is
the share of a finite workforce, often a quarter or more of whom answered. Kish's effective size
(``n / deff``) ignored both and over-covered (97-98% in the simulation study with a quarter of
the workforce answering). Clustering within organisations is not accounted for.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from evaluation.analyses.headlines import HEADLINES, headline_estimates
from evaluation.disclosure import DEFAULT_MIN_CELL, suppress
from evaluation.errors import InputError
from evaluation.instrument import load_instrument
from evaluation.stats import RakingResult, rake
from evaluation.stats.crosstabs import success_indicator
from evaluation.stats.proportions import wilson_interval
from evaluation.stats.weighting import LINEARISED, raked_share

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


def margins_population_size(margins: dict[str, dict[str, float]], n: int) -> float | None:
    """The workforce's size when the margins are head counts (every variable's total at least
    the number of respondents ``n``): the largest total, since unstated staff may be left out of
    a variable's counts. ``None`` when they are shares."""
    totals = [sum(levels.values()) for levels in margins.values()]
    if totals and min(totals) >= max(n, 2):
        return float(max(totals))
    return None


def weighted_headline_estimates(
    frame: pd.DataFrame,
    margins: dict[str, dict[str, float]],
    population_size: float | None = None,
) -> pd.DataFrame:
    """Unsuppressed raked share of every headline indicator with its linearisation interval.

    Columns ``indicator, pct, ci_low, ci_high, n_eff`` (percentages 0-100). ``population_size``
    (the workforce's head count) turns on the finite population correction; by default it is read
    from margins given as counts (:func:`margins_population_size`), none for shares.
    """
    _, result = raking_weights(frame, margins)
    if population_size is None:
        population_size = margins_population_size(margins, len(frame))
    if population_size is not None and population_size < len(frame):
        raise InputError(
            f"population size {population_size:g} is smaller than the {len(frame)} respondents"
        )
    instrument = load_instrument()
    rows = []
    for h in HEADLINES:
        # the unweighted share's population: residual answers ("Prefer not to say") left out
        answers = instrument.answered(frame, h.variable)
        success = success_indicator(answers, h.positive_answers(instrument))
        est = raked_share(success, h.in_population(frame), frame, result, UNSTATED, population_size)
        low, high = wilson_interval(est["share"] * est["n_eff"], est["n_eff"])
        rows.append(
            {
                "indicator": h.id,
                "pct": 100 * est["share"],
                "ci_low": 100 * float(low),
                "ci_high": 100 * float(high),
                "n_eff": est["n_eff"],
            }
        )
    table = pd.DataFrame(rows)
    fpc = (
        ""
        if population_size is None
        else f"; finite population correction, N = {population_size:g}"
    )
    table.attrs["method"] = LINEARISED.format(fpc=fpc)
    return table


def weighted_headline_indicators(
    frame: pd.DataFrame,
    margins: dict[str, dict[str, float]],
    min_cell: int = DEFAULT_MIN_CELL,
    population_size: float | None = None,
) -> pd.DataFrame:
    """Each headline indicator unweighted and weighted to the margins, suppressed.

    Columns ``indicator, label, population, n, n_positive, pct, pct_weighted, ci_low, ci_high,
    n_eff``: ``pct`` is the unweighted share, ``pct_weighted`` the raked one with its 95% interval
    (:func:`weighted_headline_estimates`; ``attrs["method"]`` says how) on the effective sample
    size ``n_eff``. Suppression rests on the unweighted counts.
    """
    _, result = raking_weights(frame, margins)
    unweighted = headline_estimates(frame)
    weighted = weighted_headline_estimates(frame, margins, population_size)
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
    shown.attrs["method"] = weighted.attrs["method"]
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
