"""Data quality and response profile: who answered, what was excluded, what is missing.

Population: everyone in the survey file of the wave (or the report's scope). These tables describe
the data, not the workforce: the response profile is the mix of respondents, which is not the mix
of staff, and percentages here are shares of respondents.

Disclosure: the response profile counts people by attribute, so it is suppressed like every
published table. Item missingness counts people too (those asked, those who answered, those who
left a question blank: a routed question's "asked" is the number who reported racism, and a
blank beside a profile's "Not answered" row is a group), so it is suppressed the same way, each
question on its own. The row account counts file rows, not respondents, and is shown in full so
that data problems are visible.
"""

from __future__ import annotations

import pandas as pd

from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.instrument import Instrument, load_instrument

PROFILE_VARIABLES = {
    "icb": "ICB",
    "org_type": "organisation type",
    "band_group": "pay band group",
    "role_level": "role level",
    "ethnicity_5": "ethnic group",
    "staff_group": "staff group",
}


def sample_overview(frame: pd.DataFrame) -> pd.DataFrame:
    """Respondents, organisations, ICBs and waves represented (one row per measure)."""
    return pd.DataFrame(
        {
            "measure": ["respondents", "organisations", "ICBs or regions", "waves"],
            "value": [
                len(frame),
                frame["org_code"].nunique(),
                frame["icb"].nunique(),
                frame["wave"].nunique(),
            ],
        }
    )


def item_missingness(
    frame: pd.DataFrame, instrument: Instrument | None = None, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """For each question: answered, not answered (blank) and % not answered, in questionnaire order.

    Questions behind skip logic (``asked_if``) are measured among those who were asked, so a
    routed question is not reported as 80% missing. Suppressed for publication (each question's
    row on its own: ``asked`` is the denominator, ``answered`` and ``not_answered`` its counts).
    """
    from evaluation.disclosure import suppress

    instrument = instrument or load_instrument()
    rows = []
    for v in instrument.variables:
        if v.name not in frame or v.type == "id":
            continue
        asked = pd.Series(True, index=frame.index)
        if v.asked_if:
            asked = pd.Series(False, index=frame.index)
            for other, values in v.asked_if.items():
                asked |= frame[other].isin(values)
        column = frame.loc[asked, v.name]
        answered = int(column.notna().sum())
        missing = int(column.isna().sum())
        if v.type == "text":
            answered = int((column.fillna("").str.strip() != "").sum())
            missing = len(column) - answered
        asked_n = answered + missing
        rows.append(
            {
                "variable": v.name,
                "section": v.section,
                "asked": asked_n,
                "answered": answered,
                "not_answered": missing,
                "pct_not_answered": round(100 * missing / asked_n, 1) if asked_n else float("nan"),
            }
        )
    table = pd.DataFrame(rows, columns=["variable", "section", "asked", "answered",
                                        "not_answered", "pct_not_answered"])  # fmt: skip
    return suppress(table, n_col="asked", count_cols=["answered", "not_answered"],
                    dependent_cols=["pct_not_answered"], group_cols=[],
                    label_cols=["variable", "section"], totals_known=False,
                    min_cell=min_cell)  # fmt: skip


def response_profile(
    frame: pd.DataFrame, by: str, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Respondents by one attribute (``n`` and % of respondents), suppressed for publication.

    Every category of the attribute is listed, including those with no respondent, so the
    table's shape does not depend on the data.
    """
    from evaluation.disclosure import suppress
    from evaluation.instrument import load_instrument

    counts = frame[by].value_counts(sort=False, dropna=False)
    table = pd.DataFrame({by: counts.index.astype("string").fillna("Not answered"),
                          "n": counts.to_numpy()})  # fmt: skip
    total = int(table["n"].sum())
    table["pct"] = (100 * table["n"] / total).round(1) if total else float("nan")
    return suppress(table, n_col="n", count_cols=[], dependent_cols=["pct"], group_cols=[by],
                    totals_known=True, min_cell=min_cell,
                    residual_labels=load_instrument().residual_labels)  # fmt: skip
