"""Confidence to report racism, and what happens when racism is experienced or witnessed.

Population: respondents in scope who answered the question concerned. ``confident_to_report``
("I would feel confident reporting racism that I experienced or witnessed at work") is a
five-point agreement item; "confident" means Agree or Strongly agree (the NHS Staff Survey's
positive score). Ethnicity is grouped White / Global Majority (WRES convention) with "Prefer not
to say" shown as its own group in descriptive tables and excluded (and counted) from models.

The reporting funnel follows the questionnaire's routing: of respondents who answered whether they
experienced or witnessed racism in the last 12 months, how many did either; of those, how many
answered that it was reported (by them or a colleague); of those, how many were satisfied with
the response. "Prefer not to say" is not counted as Yes or No at any step.

Assumptions: a self-selected sample (percentages describe respondents); Wilson 95% intervals
assume independent respondents; the ordinal model assumes proportional odds (checked with a
likelihood-ratio test against cut-point-specific effects and the Brant test, reported alongside)
and clusters errors by organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluation.analyses.survey_common import model_frame, positive
from evaluation.stats import OrdinalResult, ordinal_logit, proportion_by

OUTCOME = "confident_to_report"
COLUMNS = ["n", "n_confident", "pct_confident", "ci_low", "ci_high"]
MODEL_PREDICTORS = {"role_level": "Frontline", "ethnicity_group": "White"}
MODEL_COLUMNS = ["term", "log_odds", "std_error", "ci_low", "ci_high", "odds_ratio", "p_value"]


def confidence_by(frame: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Share confident to report (Agree + Strongly agree) per group, unsuppressed."""
    table = proportion_by(frame, OUTCOME, positive(OUTCOME), by=by)
    return table.rename(columns={"count": "n_confident", "pct": "pct_confident"})


@dataclass
class ConfidenceModel:
    """The ordinal model of confidence to report, with who was left out and why."""

    result: OrdinalResult
    excluded: dict[str, int]

    @property
    def n_excluded_prefer_not_to_say(self) -> int:
        return self.excluded.get("ethnicity Prefer not to say", 0)


def confidence_model(frame: pd.DataFrame) -> ConfidenceModel:
    """Proportional-odds model of confidence to report: role level (ref. Frontline) and ethnicity
    group (Global Majority vs White), errors clustered by organisation.

    Population: respondents who answered ``confident_to_report`` with a role level and a stated
    ethnicity. "Prefer not to say" ethnicity is excluded and counted in ``excluded``; so are
    missing answers. An odds ratio above 1 means more agreement (more confident) than the
    reference group at every cut point of the scale, if proportional odds hold:
    ``result.proportional_odds`` checks that (likelihood-ratio and Brant tests).
    """
    data, predictors, excluded = model_frame(frame, MODEL_PREDICTORS)
    result = ordinal_logit(data, OUTCOME, predictors, cluster="org_code")
    excluded["missing answer or role level"] = result.n_excluded
    return ConfidenceModel(result=result, excluded=excluded)


def confidence_proportional_odds_test(frame: pd.DataFrame) -> pd.DataFrame:
    """Proportional-odds checks for :func:`confidence_model` (no counts, so nothing
    is hidden). The likelihood-ratio test (R's ``ordinal::nominal_test``) comes first; Brant's
    test follows where its matrix is well conditioned (blank otherwise). Both use the pooled
    scale named in ``method`` when a group has (almost) nobody at one end of the scale."""
    po = confidence_model(frame).result.proportional_odds
    columns = ["test", "statistic", "df", "p_value", "method"]
    if po is None:
        table = pd.DataFrame(columns=columns)
    elif po.brant is None:
        table = po.tests[columns].reset_index(drop=True)
    else:
        brant = po.brant.assign(test="Brant: " + po.brant["test"].astype(str))
        table = pd.concat([po.tests[columns], brant[columns]], ignore_index=True)
    return table.astype({"statistic": float, "p_value": float})


def _yes_no(values: pd.Series) -> pd.Series:
    """Yes -> True, No -> False, anything else (Prefer not to say, blank) -> NA."""
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[values == "Yes"] = True
    out[values == "No"] = False
    return out


def funnel_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Per respondent: the three funnel steps as nullable booleans (NA = not in that base)."""
    experienced = _yes_no(frame["experienced_racism_12m"])
    witnessed = _yes_no(frame["witnessed_racism_12m"])
    either = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    either[(experienced == True) | (witnessed == True)] = True  # noqa: E712 (nullable)
    either[(experienced == False) & (witnessed == False)] = False  # noqa: E712
    reported = _yes_no(frame["reported_it"]).where(either.fillna(False), pd.NA)
    satisfied = frame["satisfied_with_response"].isin(positive("satisfied_with_response"))
    satisfied = satisfied.astype("boolean").where(
        reported.fillna(False) & frame["satisfied_with_response"].notna(), pd.NA
    )
    return pd.DataFrame(
        {"experienced_or_witnessed": either, "reported": reported, "satisfied": satisfied}
    )


STEPS = {
    "experienced_or_witnessed": "experienced or witnessed racism at work in the last 12 months "
    "(of those answering both questions Yes/No, or either Yes)",
    "reported": "it was reported, by them or a colleague (of those who experienced or witnessed "
    "it and answered Yes/No)",
    "satisfied": "satisfied with the organisation's response (Yes; of those who reported it and "
    "answered)",
}


def reporting_funnel(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Funnel steps with Wilson intervals, each step a share of the previous step (unsuppressed).

    Columns ``step, description, *by, n, count, pct, ci_low, ci_high``.
    """
    steps = funnel_indicators(frame)
    if by:
        steps[by] = frame[by]
    parts = []
    for step, description in STEPS.items():
        part = proportion_by(steps, step, by=by)
        part.insert(0, "description", description)
        part.insert(0, "step", step)
        parts.append(part)
    return pd.concat(parts, ignore_index=True).drop(columns="method")
