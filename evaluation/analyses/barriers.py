"""Barriers to anti-racism work: how often each option of the multi-select question is chosen.

Population: respondents in scope who answered the barriers question ("What gets in the way of
anti-racism work in your organisation? (select all that apply)"). A respondent who ticked no
option but answered the question counts in the denominator; one who skipped the question (all
options blank) does not. Options are not exclusive, so percentages do not add up to 100 and the
rows of a table are not parts of a total.

Assumptions: a self-selected sample; Wilson 95% intervals treat respondents as independent.
"""

from __future__ import annotations

import pandas as pd

from evaluation.instrument import Instrument, load_instrument
from evaluation.stats import proportion_by


def barrier_options(instrument: Instrument | None = None) -> dict[str, str]:
    """Barrier flag columns -> option wording, in questionnaire order."""
    instrument = instrument or load_instrument()
    return {v.name: v.option for v in instrument.in_section("barriers") if v.type == "flag"}


def barrier_prevalence(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share choosing each barrier (of those who answered the question), per group if ``by``.

    Columns ``barrier, option, *by, n, n_selected, pct_selected, ci_low, ci_high`` (unsuppressed).
    """
    options = barrier_options()
    parts = []
    for column, option in options.items():
        part = proportion_by(frame, column, by=by)
        part.insert(0, "option", option)
        part.insert(0, "barrier", column)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table = table.rename(columns={"count": "n_selected", "pct": "pct_selected"})
    keys = ["barrier", "option", *([by] if by else [])]
    return table[[*keys, "n", "n_selected", "pct_selected", "ci_low", "ci_high"]]
