"""The headline indicators of the evaluation, as data, with their estimates and their sentences.

A headline indicator is the share of a population giving a favourable (or, for racism, a
harmful) answer to one question: "% aware of the framework among frontline staff", "% of Global
Majority staff who experienced racism", "% who reported it among those who experienced or
witnessed racism". :data:`HEADLINES` defines them once: which variable, which population, which
answers count (taken from the instrument's ``positive`` answers, so a change of scale is made in
one place) and which direction is better. The executive summary (notebook 06), the year-on-year
comparison and the planning table all read the same definitions.

Assumptions, for every indicator:

- the population is the respondents who match the filter *and answered the question*, the one
  definition of every published share (:meth:`evaluation.instrument.Instrument.answered`): a
  missing answer and "Prefer not to say" are left out of the denominator (as in the NHS Staff
  Survey, and as in the reporting funnel, so "reported it" is one figure everywhere); "Not sure"
  stays in it (answered, not favourable), so "% experienced racism" counts those who said Yes
  among all who answered Yes or No;
- respondents are treated as a simple random sample of staff: the Wilson 95% interval ignores
  clustering within organisations and non-response bias, so intervals are somewhat too narrow;
- estimates are unweighted shares of respondents, not of the workforce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL, MARKER, TableSpec, suppress
from evaluation.instrument import Instrument, load_instrument
from evaluation.stats.crosstabs import proportion_by

SUPPRESSED = MARKER
HEADLINE_COLUMNS = (
    "indicator",
    "label",
    "population",
    "n",
    "n_positive",
    "pct",
    "ci_low",
    "ci_high",
)
ESTIMATE_COLUMNS = (*HEADLINE_COLUMNS[3:],)


@dataclass(frozen=True)
class Headline:
    """One headline indicator: the share of ``population`` whose ``variable`` is positive.

    ``population`` is a mapping ``column -> accepted values``; a respondent belongs when *all*
    columns match (``match="all"``) or when *any* does (``match="any"``, the instrument's skip
    logic for "experienced or witnessed"). An empty mapping means all respondents.
    ``positive=None`` takes the instrument's positive answers for the variable's scale.
    ``finding`` completes the sentence "61% of {who} {finding}".
    """

    id: str
    topic: str
    label: str
    variable: str
    population_label: str
    who: str
    finding: str
    better: Literal["higher", "lower"]
    population: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    match: Literal["all", "any"] = "all"
    positive: tuple[str, ...] | None = None

    def positive_answers(self, instrument: Instrument) -> tuple[str, ...]:
        """The answers counted as positive: the explicit ones, else the instrument's."""
        answers = self.positive or instrument[self.variable].positive
        if not answers:
            raise ValueError(f"{self.id}: {self.variable!r} has no positive answers defined")
        return answers

    def in_population(self, frame: pd.DataFrame) -> pd.Series:
        """Boolean mask of the respondents the indicator describes (before non-response)."""
        if not self.population:
            return pd.Series(True, index=frame.index)
        masks = [
            frame[col].isin(list(values)).fillna(False) for col, values in self.population.items()
        ]
        combined = np.logical_and.reduce if self.match == "all" else np.logical_or.reduce
        return pd.Series(combined([m.to_numpy(dtype=bool) for m in masks]), index=frame.index)


_ALL: dict[str, tuple[str, ...]] = {}
_FRONTLINE = {"role_level": ("Frontline",)}
_SENIOR = {"role_level": ("Senior leader", "Executive or board")}
_GM = {"ethnicity_group": ("Global Majority",)}
_WHITE = {"ethnicity_group": ("White",)}
_EXPERIENCED_OR_WITNESSED = {"experienced_racism_12m": ("Yes",), "witnessed_racism_12m": ("Yes",)}

HEADLINES: tuple[Headline, ...] = (
    Headline("aware_all", "awareness", "Aware of the framework", "arf_aware",
             "All respondents", "respondents", "were aware of the framework", "higher", _ALL),
    Headline("aware_frontline", "awareness", "Aware of the framework", "arf_aware",
             "Frontline staff", "frontline staff", "were aware of the framework", "higher",
             _FRONTLINE),
    Headline("aware_senior", "awareness", "Aware of the framework", "arf_aware",
             "Senior leaders and executives", "senior leaders and executives",
             "were aware of the framework", "higher", _SENIOR),
    Headline("understands_asks", "understanding", "Understands what the framework asks",
             "arf_understanding", "All respondents", "respondents",
             "agreed that they understand what the framework asks of their organisation",
             "higher", _ALL),
    Headline("confident_to_report", "reporting_confidence", "Confident to report racism",
             "confident_to_report", "All respondents", "respondents",
             "would feel confident reporting racism at work", "higher", _ALL),
    Headline("confident_to_report_gm", "reporting_confidence", "Confident to report racism",
             "confident_to_report", "Global Majority staff", "Global Majority staff",
             "would feel confident reporting racism at work", "higher", _GM),
    Headline("knows_how_to_report", "knows_how", "Knows how to report racism",
             "knows_how_to_report", "All respondents", "respondents",
             "knew how to report an incident of racism", "higher", _ALL),
    Headline("experienced_racism_gm", "experienced", "Experienced racism in the last 12 months",
             "experienced_racism_12m", "Global Majority staff", "Global Majority staff",
             "experienced racism from colleagues or managers in the last 12 months", "lower",
             _GM),
    Headline("experienced_racism_white", "experienced",
             "Experienced racism in the last 12 months", "experienced_racism_12m",
             "White staff", "White staff",
             "experienced racism from colleagues or managers in the last 12 months", "lower",
             _WHITE),
    Headline("reported_it", "reported", "Reported it the last time", "reported_it",
             "Experienced or witnessed racism", "staff who experienced or witnessed racism",
             "said that they or a colleague reported it the last time", "higher",
             _EXPERIENCED_OR_WITNESSED, match="any"),
    Headline("satisfied_with_response", "satisfied", "Satisfied with the response",
             "satisfied_with_response", "Reported racism",
             "staff whose last experience of racism was reported",
             "were satisfied with how their organisation responded", "higher",
             {"reported_it": ("Yes",)}),
    Headline("org_capability", "organisation", "Confident the organisation would act",
             "org_capability_to_respond", "All respondents", "respondents",
             "were confident their organisation would address a concern about racism "
             "effectively", "higher", _ALL),
    Headline("arf_made_difference", "difference", "Framework has made a difference",
             "arf_made_difference", "All respondents", "respondents",
             "agreed the framework has made a difference to how their organisation tackles "
             "racism", "higher", _ALL),
)  # fmt: skip


def headline_definitions(
    definitions: Sequence[Headline] = HEADLINES, instrument: Instrument | None = None
) -> pd.DataFrame:
    """The definitions as a table (for the report's methods section), positive answers resolved."""
    instrument = instrument or load_instrument()
    return pd.DataFrame(
        [
            {
                "indicator": h.id,
                "label": h.label,
                "variable": h.variable,
                "question": instrument.question(h.variable),
                "positive_answers": " / ".join(h.positive_answers(instrument)),
                "population": h.population_label,
                "filter": f" {'and' if h.match == 'all' else 'or'} ".join(
                    f"{col} in {list(values)}" for col, values in h.population.items()
                )
                or "none",
                "better": h.better,
            }
            for h in definitions
        ]
    )


def headline_estimates(
    frame: pd.DataFrame,
    definitions: Sequence[Headline] = HEADLINES,
    instrument: Instrument | None = None,
    weights: str | None = None,
) -> pd.DataFrame:
    """Unsuppressed estimates of each indicator: for analysis, never for publication.

    Columns: ``indicator, label, population, n, n_positive, pct, ci_low, ci_high, better``
    (percentages 0-100, Wilson 95% interval from :func:`evaluation.stats.crosstabs.proportion_by`);
    with ``weights`` (a column of survey weights) the shares are weighted, the interval rests on
    Kish's effective sample size and ``n_eff`` is added.
    """
    instrument = instrument or load_instrument()
    rows = []
    for h in definitions:
        subset = instrument.without_residual(frame.loc[h.in_population(frame)], [h.variable])
        positive = h.positive_answers(instrument)
        est = proportion_by(subset, h.variable, positive, weights=weights).iloc[0]
        extra = {"n_eff": float(est["n_eff"])} if weights else {}
        rows.append(
            extra
            | {
                "indicator": h.id,
                "label": h.label,
                "population": h.population_label,
                "n": int(est["n"]),
                "n_positive": int(est["count"]),
                "pct": float(est["pct"]),
                "ci_low": float(est["ci_low"]),
                "ci_high": float(est["ci_high"]),
                "better": h.better,
            }
        )
    return pd.DataFrame(rows)


def suppress_headlines(estimates: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Small-cell suppression of an indicator table through :func:`evaluation.disclosure.suppress`.

    An indicator whose denominator ``n``, positive count ``n_positive`` or complement
    ``n - n_positive`` is between 1 and ``min_cell - 1`` shows ``[c]`` in those cells and in its
    percentage and interval (they would give the counts back). The rows are separate indicators,
    not parts of a published total, so no secondary suppression is needed (``totals_known=False``).
    """
    return suppress(
        estimates,
        n_col="n",
        count_cols=["n_positive"],
        dependent_cols=[c for c in ("pct", "ci_low", "ci_high") if c in estimates],
        group_cols=[c for c in estimates.columns if c not in ESTIMATE_COLUMNS],
        totals_known=False,
        min_cell=min_cell,
        marker=SUPPRESSED,
    )


def headline_indicators(
    frame: pd.DataFrame,
    min_cell: int = DEFAULT_MIN_CELL,
    definitions: Sequence[Headline] = HEADLINES,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """The publishable headline table of one wave: estimates, rounded, small cells suppressed.

    Population: as defined per indicator in :data:`HEADLINES` (see the module docstring for the
    assumptions). Columns ``indicator, label, population, n, n_positive, pct, ci_low, ci_high``
    (percentages 0-100 to one decimal); suppressed cells hold ``[c]``. ``attrs["respondents"]``
    is the number of respondents in ``frame`` (used by the planning table).
    """
    estimates = headline_estimates(frame, definitions, instrument)
    estimates[["pct", "ci_low", "ci_high"]] = estimates[["pct", "ci_low", "ci_high"]].round(1)
    table = suppress_headlines(estimates[list(HEADLINE_COLUMNS)], min_cell)
    table.attrs["respondents"] = len(frame)
    return table


def _figure(row: Mapping[str, Any], definition: Headline, full: bool) -> str:
    """One indicator in words: '61% of respondents were aware ... (95% CI 55% to 67%, n = 270)'.

    ``full=False`` gives the short comparison form ("among frontline staff 32% (...)"), used
    after the topic's finding has been stated once. A suppressed figure always says so in full.
    """
    if row["pct"] == SUPPRESSED:
        return (
            f"the share of {definition.who} who {definition.finding} is not shown "
            "(too few respondents)"
        )
    low, high, pct = (float(row[c]) for c in ("ci_low", "ci_high", "pct"))
    interval = f"95% CI {low:.0f}% to {high:.0f}%, n = {int(row['n']):,}"
    if full:
        return f"{pct:.0f}% of {definition.who} {definition.finding} ({interval})"
    return f"among {definition.who} {pct:.0f}% ({interval})"


def headline_sentences(
    table: pd.DataFrame, definitions: Sequence[Headline] = HEADLINES
) -> list[str]:
    """The executive summary's findings in words, one sentence per topic, from ``table``.

    ``table`` is the output of :func:`headline_indicators` (suppressed cells say so in words;
    nothing is hard-coded). Indicators of one topic share a sentence: the first shown in full,
    the others as comparisons ("61% of respondents were aware of the framework (...); among
    frontline staff 32% (...)"). Indicators absent from ``table`` are skipped.
    """
    by_id = {h.id: h for h in definitions}
    rows = {str(r["indicator"]): r for r in table.to_dict("records")}
    topics: dict[str, list[str]] = {}
    for h in definitions:
        if h.id in rows:
            topics.setdefault(h.topic, []).append(h.id)
    sentences = []
    for ids in topics.values():
        parts, stated = [], False
        for i in ids:
            parts.append(_figure(rows[i], by_id[i], full=not stated))
            stated = stated or rows[i]["pct"] != SUPPRESSED
        text = "; ".join(parts)
        sentences.append(f"{text[0].upper()}{text[1:]}.")
    return sentences


# --- equity gaps: Global Majority against White staff ---------------------------------------------

GAP_GROUPS = ("Global Majority", "White")
GAP_TOPICS: tuple[tuple[str, str, str], ...] = (
    # (variable, what the share is, the favourable direction)
    ("confident_to_report", "would feel confident reporting racism at work", "higher"),
    ("org_capability_to_respond",
     "were confident their organisation would address a concern about racism effectively",
     "higher"),
    ("safe_to_speak_up", "felt safe to speak up about anything that concerns them", "higher"),
    ("leaders_accountable", "agreed senior leaders are held accountable for anti-racism",
     "higher"),
    ("experienced_racism_12m",
     "experienced racism from colleagues or managers in the last 12 months", "lower"),
)  # fmt: skip
GAP_COLUMNS = (
    "variable", "finding", "better", "n_gm", "pct_gm", "ci_low_gm", "ci_high_gm", "n_white",
    "pct_white", "ci_low_white", "ci_high_white", "gap_pp", "gap_low", "gap_high", "p_value",
    "p_holm", "significant",
)  # fmt: skip
GAP_TESTS = GAP_COLUMNS[-6:]
"""The gap, its interval and its test: computed from both groups' counts."""


def equity_gaps(
    frame: pd.DataFrame,
    min_cell: int = DEFAULT_MIN_CELL,
    topics: Sequence[tuple[str, str, str]] = GAP_TOPICS,
    instrument: Instrument | None = None,
) -> pd.DataFrame:
    """The Global Majority / White gap of each indicator, its interval and its test (published).

    Population: respondents in scope who answered the question, by White / Global Majority
    (WRES convention; "Prefer not to say" is in neither). ``gap_pp`` is Global Majority minus
    White in percentage points with Newcombe's hybrid score 95% interval (method 10); the test is
    the chi-square test of the 2 x 2 table (no continuity correction, equal to the two-proportion
    z-test), Holm-corrected across the indicators tested (``p_holm``; ``significant`` at 5%).
    A group whose n, positive count or complement is under ``min_cell`` shows ``[c]`` for its
    share, and the gap and test are ``[c]`` and left out of the correction family. Respondents
    are treated as independent (clustering by organisation makes the intervals too narrow).
    ``attrs["too_few"]`` lists the variables hidden here for too few respondents (any other
    hidden gap was hidden by the release pass: :func:`gap_sentences` says which).
    """
    from evaluation.stats import adjust_pvalues, chi_square_test
    from evaluation.stats.proportions import newcombe_difference

    instrument = instrument or load_instrument()
    frame = instrument.without_residual(frame, [variable for variable, _, _ in topics])
    rows, hidden = [], []
    small_counts: list[dict[str, tuple[int, int]]] = []
    for variable, finding, better in topics:
        positive = instrument[variable].positive
        row: dict[str, object] = {"variable": variable, "finding": finding, "better": better}
        counts = {}
        for group, key in zip(GAP_GROUPS, ("gm", "white"), strict=True):
            answered = frame.loc[frame["ethnicity_group"] == group, variable].dropna()
            n, x = len(answered), int(answered.isin(list(positive)).sum())
            counts[key] = (x, n)
            est = proportion_by(frame[frame["ethnicity_group"] == group], variable, positive)
            row |= {f"n_{key}": n, f"pct_{key}": float(est["pct"].iloc[0]),
                    f"ci_low_{key}": float(est["ci_low"].iloc[0]),
                    f"ci_high_{key}": float(est["ci_high"].iloc[0])}  # fmt: skip
        small = any(0 < v < min_cell for x, n in counts.values() for v in (n, x, n - x)) or any(
            n == 0 for _, n in counts.values()
        )
        (x1, n1), (x2, n2) = counts["gm"], counts["white"]
        d, low, high = newcombe_difference(x1, n1, x2, n2) if not small else (np.nan,) * 3
        p = (
            float(chi_square_test(np.array([[x1, n1 - x1], [x2, n2 - x2]]))["p_value"])
            if not small
            else np.nan
        )
        row |= {"gap_pp": 100 * d, "gap_low": 100 * low, "gap_high": 100 * high, "p_value": p}
        rows.append(row)
        hidden.append(small)
        small_counts.append(counts)
    out = pd.DataFrame(rows)
    adjusted = adjust_pvalues(out["p_value"], "holm")
    out["p_holm"] = adjusted["p_adjusted"]
    out["significant"] = adjusted["reject"].astype(object)
    rounded = [c for c in out.columns if c.startswith(("pct_", "ci_", "gap_"))]
    out[rounded] = out[rounded].astype(float).round(1)
    out[["p_value", "p_holm"]] = out[["p_value", "p_holm"]].round(4)
    out = out[list(GAP_COLUMNS)].astype({c: object for c in GAP_COLUMNS[3:]})
    for i, small in enumerate(hidden):
        if not small:
            continue
        for key in ("gm", "white"):
            x, n = small_counts[i][key]
            if any(0 < v < min_cell for v in (n, x, n - x)) or n == 0:
                for c in (f"pct_{key}", f"ci_low_{key}", f"ci_high_{key}"):
                    out.loc[i, c] = SUPPRESSED
            if 0 < n < min_cell:
                out.loc[i, f"n_{key}"] = SUPPRESSED
        for c in GAP_TESTS:
            out.loc[i, c] = SUPPRESSED
    out.attrs["disclosure"] = {**gap_spec().as_dict(), "min_cell": min_cell}
    out.attrs["too_few"] = [str(out.loc[i, "variable"]) for i, small in enumerate(hidden) if small]
    return out


def gap_spec() -> TableSpec:
    """The declared structure of :func:`equity_gaps`' table.

    Each group's share rests on that group's counts; the gap and its test rest on both shares:
    with the two ``n`` shown, either share with the gap gives the other back, and so does the
    p-value (it is a function of the four counts), so a hidden share hides the gap and test of
    its row (the release pass may hide a share whose count another table would give away). For
    the attacking audit, ``n_gm`` and ``n_white`` count each group's answers to the row's
    question, and each share shown to one decimal beside its ``n`` gives its positive count.
    """
    keys = dict(zip(("gm", "white"), GAP_GROUPS, strict=True))
    dependents: dict[str, tuple[str, ...]] = {}
    for key in keys:
        dependents[f"n_{key}"] = (f"pct_{key}", f"ci_low_{key}", f"ci_high_{key}")
        dependents[f"pct_{key}"] = (f"ci_low_{key}", f"ci_high_{key}", *GAP_TESTS)
    return TableSpec(
        n_col=None,
        count_cols=tuple(f"n_{key}" for key in keys),
        dependent_cols=dependents,
        label_cols=("variable", "finding", "better"),
        totals_known=False,
        count_groups={f"n_{key}": ("ethnicity_group", group) for key, group in keys.items()},
        implied_counts={f"pct_{key}": f"n_{key}" for key in keys},
    )


def _pct(value: object) -> str:
    return f"{float(value):.0f}%"  # type: ignore[arg-type]


def gap_sentences(gaps: pd.DataFrame) -> list[str]:
    """One sentence per equity gap, from :func:`equity_gaps` as published (suppressed gaps say
    so, and why: too few respondents in a group, or hidden by the release pass because with
    the other published tables it would give a hidden count back; either, for a table whose
    ``attrs["too_few"]`` is unknown, as one read back from its CSV)."""
    too_few = gaps.attrs.get("too_few")
    reasons = {
        True: "too few respondents in a group",
        False: "with the other published tables it would let a hidden count be worked out",
        None: "too few respondents in a group, or it would let a hidden count be worked out "
        "from the other published tables",
    }
    sentences = []
    for row in gaps.to_dict("records"):
        finding = str(row["finding"])
        if row["gap_pp"] == SUPPRESSED:
            why = reasons[None if too_few is None else row["variable"] in too_few]
            sentences.append(
                f"The gap between Global Majority and White staff who {finding} is not shown "
                f"to protect confidentiality ({why})."
            )
            continue
        gap = float(row["gap_pp"])
        if row["significant"] is True:
            worse = (gap < 0) == (row["better"] == "higher")
            low, high = float(row["gap_low"]), float(row["gap_high"])
            if gap < 0:
                low, high = -high, -low
            verdict = (
                f"{abs(gap):.0f} percentage points {'lower' if gap < 0 else 'higher'} "
                f"(95% CI {low:.0f} to {high:.0f} points), statistically significant after Holm "
                f"correction (p = {_p_text(row['p_holm'])})"
            )
            lead = (
                "Global Majority staff fared worse than White staff"
                if worse
                else "Global Majority staff fared better than White staff"
            )
        else:
            verdict = (
                f"a difference of {gap:+.0f} percentage points (95% CI "
                f"{float(row['gap_low']):.0f} to {float(row['gap_high']):.0f}) that is not "
                f"statistically significant after Holm correction (p = {_p_text(row['p_holm'])})"
            )
            lead = "No significant gap between Global Majority and White staff"
        sentences.append(
            f"{lead}: {_pct(row['pct_gm'])} of Global Majority staff {finding} (95% CI "
            f"{_pct(row['ci_low_gm'])} to {_pct(row['ci_high_gm'])}, n = {int(row['n_gm']):,}) "
            f"against {_pct(row['pct_white'])} of White staff ({_pct(row['ci_low_white'])} to "
            f"{_pct(row['ci_high_white'])}, n = {int(row['n_white']):,}): {verdict}."
        )
    return sentences


def _p_text(value: object) -> str:
    p = float(value)  # type: ignore[arg-type]
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def change_sentences(change: pd.DataFrame) -> list[str]:
    """Every significant change of a year-on-year table in a sentence, with its interval.

    ``change`` is :func:`evaluation.analyses.year_on_year.compare_waves`; a change counts when it
    is significant after the table's multiplicity correction. Ends with a count of the others.
    """
    previous, current = change.attrs.get("waves", (None, None))
    if previous is None:
        waves = sorted({c.split("_")[-1] for c in change.columns if c.startswith("pct_")})
        previous, current = waves[0], waves[-1]
    sentences, others = [], 0
    for row in change.to_dict("records"):
        if row["significant"] is not True:
            others += 1
            continue
        change_pp = float(row["change_pp"])
        direction = "rose" if change_pp > 0 else "fell"
        verdict = "an improvement" if row["assessment"] == "better" else "a deterioration"
        sentences.append(
            f"{row['label']} ({str(row['population']).lower()}) {direction} from "
            f"{_pct(row[f'pct_{previous}'])} in {previous} to {_pct(row[f'pct_{current}'])} in "
            f"{current}: a change of {change_pp:+.0f} percentage points (95% CI "
            f"{float(row['change_low']):+.0f} to {float(row['change_high']):+.0f}), {verdict}, "
            f"significant after {str(row['correction']).capitalize()} correction "
            f"(p = {_p_text(row['p_adjusted'])})."
        )
    if not sentences:
        sentences.append(
            f"No headline indicator changed significantly between {previous} and {current} "
            "after correction for the number of indicators compared."
        )
    elif others:
        sentences.append(
            f"The other {others} indicators show no significant change (or are suppressed)."
        )
    return sentences
