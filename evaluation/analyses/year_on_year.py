"""Year-on-year change in the headline indicators, instrument changes, and planning the next wave.

The evaluation is repeated every year. For each headline indicator (:mod:`.headlines`) this module
sets the two waves side by side with their Wilson 95% intervals, and estimates the change in
percentage points with a 95% interval and a test:

- **interval for the change**: Newcombe's hybrid score interval for a difference of independent
  proportions (method 10 of Newcombe, *Statistics in Medicine* 17:873-890, 1998), built from the
  two Wilson intervals; unlike the Wald interval it behaves near 0% and 100% and in small groups;
- **test**: Pearson's chi-square on the 2 x 2 table (wave x positive), without continuity
  correction, i.e. the pooled two-proportion z-test (``z^2 = chi^2``);
- **multiple comparisons**: thirteen indicators tested at once would find a "change" by chance
  about half the time, so p-values are corrected across the indicators compared (Holm by default,
  controlling the chance of any false finding; ``"fdr_bh"`` for Benjamini-Hochberg), and the
  method is named in every row;
- **intervals beside adjusted tests**: an unadjusted 95% interval can exclude 0 while the row,
  judged by the adjusted test, says "no significant change". So both are shown and labelled:
  ``change_low/high`` (unadjusted, 95%: this indicator on its own) and ``change_low_adj/high_adj``
  (Newcombe at level ``1 - alpha/m`` for the ``m`` indicators tested: Bonferroni-simultaneous,
  so all of them cover together with 95% confidence). Holm rejects everything Bonferroni rejects,
  so an adjusted interval excluding 0 goes with a significant row (up to the small difference
  between the Newcombe interval and the chi-square test).

Population and assumptions: each wave's respondents are treated as an independent simple random
sample of staff. Staff who answered both years make the waves positively correlated, which would
make these intervals conservative; clustering within organisations makes them too narrow; a
change in who responds (response rates by organisation or role) is indistinguishable from a real
change. A change of question wording or answer options breaks comparability: the instrument of
both waves is compared (:func:`instrument_changes`) and any change touching an indicator's
question or population is noted beside it.

Planning (:func:`planning_table`): the change each indicator could detect next year with 80% power,
and the sample needed per wave to detect a change of 5 or 10 points (:mod:`evaluation.stats.power`),
by the exact power of the test used here (so 80% means 80%: Cohen's arcsine approximation gave 75%
real power for a fall from 2% with 300 answers per wave).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from evaluation.analyses.headlines import (
    HEADLINES,
    SUPPRESSED,
    Headline,
    headline_estimates,
    headline_indicators,
    suppress_headlines,
)
from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.instrument import Instrument, load_instrument
from evaluation.stats.association import chi_square_test
from evaluation.stats.multiplicity import Method, adjust_pvalues
from evaluation.stats.power import minimum_detectable_difference, sample_size_per_group
from evaluation.stats.proportions import newcombe_difference

NEWCOMBE = "Newcombe hybrid score 95% interval (method 10)"
POWER_METHOD: Literal["exact"] = "exact"
NEWCOMBE_ADJUSTED = "Newcombe hybrid score interval at level 1 - alpha/m (Bonferroni-simultaneous)"
TEST = (
    "Pearson chi-square, 2 x 2, no continuity correction (two-proportion z-test); Fisher's "
    "exact test where expected counts are small (evaluation.stats.association.small_expected)"
)
CHANGE_KINDS = (
    "added",
    "removed",
    "renamed",
    "wording changed",
    "answer options changed",
    "positive answers changed",
    "routing changed",
    "grouping changed",
)


def _p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the chi-square test of ``x1/n1`` against ``x2/n2``."""
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    return float(chi_square_test(table)["p_value"])


# --- instrument changes ---------------------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(text.split())


def _describe(instrument: Instrument) -> dict[str, dict[str, str]]:
    """Per variable (collected and derived): the facts whose change breaks comparability."""
    facts = {
        v.name: {
            "wording changed": _words(v.question),
            "answer options changed": " | ".join(v.values)
            if v.values and not v.source.startswith("organisations")
            else "",
            "positive answers changed": " | ".join(v.positive),
            "routing changed": "; ".join(f"{k} in {list(vals)}" for k, vals in v.asked_if.items()),
        }
        for v in instrument.variables
    }
    for d in instrument.derived:
        facts[d.name] = {
            "wording changed": _words(d.question),
            "grouping changed": "; ".join(f"{g}: {list(vals)}" for g, vals in d.mapping.items()),
        }
    return facts


def instrument_changes(old: Instrument, new: Instrument) -> pd.DataFrame:
    """What changed between two versions of the instrument, one row per variable and change.

    Columns ``variable, change, previous, current``; ``change`` is one of :data:`CHANGE_KINDS`.
    Questions are matched by column name and, for a variable that disappears while another with
    the same wording appears, by wording ("renamed": the NHS Staff Survey renumbers its questions
    every year, so a new name with the old wording is the same question). An empty frame means the
    waves are comparable question for question.
    """
    before, after = _describe(old), _describe(new)
    rows = []
    removed = [name for name in before if name not in after]
    added = [name for name in after if name not in before]
    wording_of_added = {after[name]["wording changed"]: name for name in added}
    for name in removed:
        renamed_to = wording_of_added.pop(before[name]["wording changed"], None)
        if renamed_to is None:
            rows.append((name, "removed", before[name]["wording changed"], ""))
        else:
            added.remove(renamed_to)
            rows.append((renamed_to, "renamed", name, renamed_to))
    rows += [(name, "added", "", after[name]["wording changed"]) for name in added]
    for name, facts in before.items():
        if name not in after:
            continue
        for kind, previous in facts.items():
            current = after[name].get(kind, "")
            if previous != current:
                rows.append((name, kind, previous, current))
    return pd.DataFrame(rows, columns=["variable", "change", "previous", "current"])


def instrument_change_note(changes: pd.DataFrame) -> str:
    """One paragraph for the report: whether the waves asked the same questions, and if not, what.

    >>> empty = pd.DataFrame(columns=["variable", "change", "previous", "current"])
    >>> instrument_change_note(empty).startswith("The two waves used the same questions")
    True
    """
    if changes.empty:
        return (
            "The two waves used the same questions, answer options and routing: every indicator "
            "is compared like for like."
        )
    listed = "; ".join(f"`{c.variable}`: {c.change}" for c in changes.itertuples())
    return (
        f"The instrument changed between the waves ({listed}). A change in an indicator whose "
        "question, answers or population changed may reflect the change of question rather than "
        "a change in experience: such rows are marked in the note column."
    )


def _notes(definitions: Sequence[Headline], changes: pd.DataFrame | None) -> list[str]:
    """Per indicator: the instrument changes touching its question or its population filter."""
    if changes is None or changes.empty:
        return [""] * len(definitions)
    notes = []
    for h in definitions:
        involved = [h.variable, *h.population]
        if "ethnicity_group" in involved:
            involved.append("ethnic_group")
        hits = changes[changes["variable"].isin(involved)]
        notes.append("; ".join(f"{c.variable}: {c.change}" for c in hits.itertuples()))
    return notes


# --- the comparison -------------------------------------------------------------------------------


def wave_indicators(
    frames: Mapping[int, pd.DataFrame],
    min_cell: int = DEFAULT_MIN_CELL,
    definitions: Sequence[Headline] = HEADLINES,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """The publishable headline tables of several waves, stacked, ``wave`` first (trend plots)."""
    tables = [
        headline_indicators(frame, min_cell, definitions, instrument).assign(wave=wave)
        for wave, frame in sorted(frames.items())
    ]
    out = pd.concat(tables, ignore_index=True)
    return out[["wave", *[c for c in out.columns if c != "wave"]]]


def compare_waves(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_wave: int,
    current_wave: int,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    correction: Method = "holm",
    alpha: float = 0.05,
    changes: pd.DataFrame | None = None,
    definitions: Sequence[Headline] = HEADLINES,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """Each headline indicator in both waves, the change and its test: the publishable table.

    ``previous`` and ``current`` are survey frames of the two waves (same scope). Columns:
    ``indicator, label, population, better``, then per wave ``n_<wave>, pct_<wave>,
    ci_low_<wave>, ci_high_<wave>``, then ``change_pp, change_low, change_high`` (current minus
    previous, percentage points, Newcombe 95% interval), ``change_low_adj, change_high_adj``
    (the interval at the Bonferroni level for the family tested), ``p_value, p_adjusted,
    significant, correction, assessment`` ("better" / "worse" / "no significant change", using
    the indicator's direction) and ``note`` (instrument changes from
    :func:`instrument_changes`, if passed).

    An indicator suppressed in either wave (small cells, see
    :func:`~evaluation.analyses.headlines.suppress_headlines`) shows ``[c]`` for its estimates
    and change and is left out of the correction family; the family is the indicators tested.
    Percentages are rounded to one decimal, p-values to four.
    """
    instrument = instrument or load_instrument()
    old = headline_estimates(previous, definitions, instrument)
    new = headline_estimates(current, definitions, instrument)
    hidden = (
        suppress_headlines(old, min_cell)["pct"].eq(SUPPRESSED)
        | suppress_headlines(new, min_cell)["pct"].eq(SUPPRESSED)
    ).to_numpy()
    rows = []
    for a, b, hide in zip(old.itertuples(), new.itertuples(), hidden, strict=True):
        d, low, high = newcombe_difference(b.n_positive, b.n, a.n_positive, a.n)
        p = math.nan if hide else _p_value(a.n_positive, a.n, b.n_positive, b.n)
        rows.append(
            {"change_pp": 100 * d, "change_low": 100 * low, "change_high": 100 * high, "p_value": p}
        )
    tests = pd.DataFrame(rows)
    family = max(1, int(tests["p_value"].notna().sum()))
    simultaneous = [
        newcombe_difference(b.n_positive, b.n, a.n_positive, a.n, alpha / family)
        for a, b in zip(old.itertuples(), new.itertuples(), strict=True)
    ]
    tests["change_low_adj"] = [100 * v[1] for v in simultaneous]
    tests["change_high_adj"] = [100 * v[2] for v in simultaneous]
    adjusted = adjust_pvalues(tests["p_value"], correction, alpha)
    out = old[["indicator", "label", "population", "better"]].copy()
    for wave, est in ((previous_wave, old), (current_wave, new)):
        for column in ("n", "pct", "ci_low", "ci_high"):
            out[f"{column}_{wave}"] = est[column]
    change_columns = ["change_pp", "change_low", "change_high", "change_low_adj", "change_high_adj"]
    out[change_columns] = tests[change_columns]
    out["p_value"] = tests["p_value"].round(4)
    out["p_adjusted"] = adjusted["p_adjusted"].round(4)
    out["significant"] = adjusted["reject"]
    out["correction"] = correction
    improved = (out["change_pp"] > 0) == (out["better"] == "higher")
    out["assessment"] = np.where(
        ~out["significant"], "no significant change", np.where(improved, "better", "worse")
    )
    out["note"] = _notes(definitions, changes)
    rounded = [c for c in out.columns if c.startswith(("pct_", "ci_", "change_"))]
    out[rounded] = out[rounded].round(1)
    masked = [c for c in out.columns if c.split("_")[0] in {"n", "pct", "ci", "change"}]
    masked += ["p_value", "p_adjusted", "significant", "assessment"]
    for column in masked:
        out[column] = out[column].astype(object).where(~hidden, SUPPRESSED)
    out.attrs.update(
        {
            "waves": (previous_wave, current_wave),
            "interval": NEWCOMBE,
            "interval_adjusted": f"{NEWCOMBE_ADJUSTED}, m = {family}",
            "test": TEST,
        }
    )
    return out


# --- planning the next wave -----------------------------------------------------------------------


def planning_table(
    headlines: pd.DataFrame,
    n_next: int | None = None,
    changes: Sequence[float] = (5, 10),
    *,
    respondents: int | None = None,
    power: float = 0.80,
    alpha: float = 0.05,
    definitions: Sequence[Headline] = HEADLINES,
) -> pd.DataFrame:
    """What next year's survey could detect, per headline indicator (80% power, 5% two-sided).

    ``headlines`` is a wave's table from
    :func:`~evaluation.analyses.headlines.headline_indicators` (the baseline). ``n_next`` is the
    number of respondents expected next wave; each indicator's n is scaled by the share of
    respondents in its population this wave (``respondents`` = this wave's total, by default
    ``headlines.attrs["respondents"]``). Without ``n_next`` the next wave is assumed the same size.

    Columns: ``indicator, label, population, baseline_pct, n, next_n, detectable_pp`` (smallest
    change in the better direction detected with ``power``), then per change ``c`` in
    ``changes`` (percentage points, in the better direction) ``needed_per_wave_<c>pp`` (answers
    needed in each of two equal waves) and ``respondents_per_wave_<c>pp`` (total respondents, when
    the population share is known). NaN where the change is impossible (a baseline of 3% cannot fall
    by 5 points); ``[c]`` where the baseline is suppressed. Assumes simple random sampling: divide
    the n by a design effect when clustering or weighting matters.
    """
    better = {h.id: h.better for h in definitions}
    total = respondents if respondents is not None else headlines.attrs.get("respondents")
    if n_next is not None and total is None:
        raise ValueError("n_next needs this wave's number of respondents (respondents=...)")
    rows = []
    for row in headlines.to_dict("records"):
        out: dict[str, object] = {k: row[k] for k in ("indicator", "label", "population")}
        if row["pct"] == SUPPRESSED:
            out.update(baseline_pct=SUPPRESSED, n=SUPPRESSED, next_n=SUPPRESSED)
            out["detectable_pp"] = SUPPRESSED
            for c in changes:
                out[f"needed_per_wave_{c:g}pp"] = SUPPRESSED
                out[f"respondents_per_wave_{c:g}pp"] = SUPPRESSED
            rows.append(out)
            continue
        if pd.isna(row["pct"]) or not row["n"]:  # nobody in the population (a pack's empty group)
            out.update(baseline_pct=math.nan, n=row["n"], next_n=math.nan, detectable_pp=math.nan)
            for c in changes:
                out[f"needed_per_wave_{c:g}pp"] = math.nan
                out[f"respondents_per_wave_{c:g}pp"] = math.nan
            rows.append(out)
            continue
        p, n = float(row["pct"]) / 100, int(row["n"])
        share = n / total if total else math.nan
        planned = n if n_next is None else max(1, round(n_next * share))
        sign = 1 if better.get(str(row["indicator"]), "higher") == "higher" else -1
        direction: Literal["increase", "decrease"] = "increase" if sign > 0 else "decrease"
        mdd = minimum_detectable_difference(p, n, planned, power, alpha, direction, POWER_METHOD)
        out.update(baseline_pct=round(100 * p, 1), n=n, next_n=planned)
        out["detectable_pp"] = round(100 * mdd, 1)
        for c in changes:
            target = p + sign * c / 100
            needed = (
                sample_size_per_group(p, target, power, alpha, method=POWER_METHOD)
                if 0 < target < 1
                else math.nan
            )
            out[f"needed_per_wave_{c:g}pp"] = needed
            out[f"respondents_per_wave_{c:g}pp"] = (
                math.ceil(needed / share) if share and not math.isnan(needed) else math.nan
            )
        rows.append(out)
    table = pd.DataFrame(rows)
    for column in [c for c in table.columns if "_per_wave_" in c]:
        table[column] = pd.Series([_whole(v) for v in table[column]], dtype=object)
    return table


def _whole(value: object) -> object:
    """A count as an ``int`` (not ``388.0``); NaN and ``[c]`` unchanged."""
    return int(value) if isinstance(value, float) and math.isfinite(value) else value
