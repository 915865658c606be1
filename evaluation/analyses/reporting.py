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

from evaluation.analyses.survey_common import (
    interval_columns,
    model_frame,
    positive,
    publish,
    publish_model,
    published,
)
from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.stats import OrdinalResult, distribution_by, ordinal_logit, proportion_by

OUTCOME = "confident_to_report"
COLUMNS = ["n", "n_confident", "pct_confident", "ci_low", "ci_high"]
DISTRIBUTION_COLUMNS = ["response", "n", "count", "pct", "ci_low", "ci_high"]
MODEL_PREDICTORS = {"role_level": "Frontline", "ethnicity_group": "White"}
MODEL_COLUMNS = ["term", "log_odds", "std_error", "ci_low", "ci_high", "odds_ratio", "p_value"]


def _confident_text(group: str) -> dict[str, str]:
    return {
        "n": f"respondents in the {group} who answered the confidence-to-report question",
        "n_confident": "of these, respondents who agree or strongly agree",
        "pct_confident": "percentage confident to report (n_confident / n x 100)",
        **interval_columns("the percentage confident"),
    }


def _distribution_text(group: str) -> dict[str, str]:
    return {
        "response": "answer on the five-point agreement scale (in scale order)",
        "n": f"respondents in the {group} who answered the question",
        "count": "respondents giving this answer",
        "pct": "percentage of the group giving this answer (count / n x 100)",
        **interval_columns("this answer's percentage"),
    }


def confidence_by(frame: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """Share confident to report (Agree + Strongly agree) per group, unsuppressed."""
    table = proportion_by(frame, OUTCOME, positive(OUTCOME), by=by)
    return table.rename(columns={"count": "n_confident", "pct": "pct_confident"})


@published(
    "confidence_by_ethnicity",
    "Confidence to report racism by ethnicity group.",
    {
        "ethnicity_group": "White / Global Majority (WRES convention); Prefer not to say kept",
        **_confident_text("ethnicity group"),
    },
)
def confidence_by_ethnicity(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: percentage confident to report by ethnicity group (module docstring)."""
    return publish(
        confidence_by(frame, "ethnicity_group"),
        ["ethnicity_group", *COLUMNS],
        count_cols=["n_confident"],
        group_cols=["ethnicity_group"],
        min_cell=min_cell,
    )


@published(
    "confidence_by_role_level",
    "Confidence to report racism by role level.",
    {"role_level": "level of the respondent's role", **_confident_text("role level")},
)
def confidence_by_role_level(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: percentage confident to report by role level (module docstring)."""
    return publish(
        confidence_by(frame, "role_level"),
        ["role_level", *COLUMNS],
        count_cols=["n_confident"],
        group_cols=["role_level"],
        min_cell=min_cell,
    )


def _distribution(frame: pd.DataFrame, by: str, min_cell: int) -> pd.DataFrame:
    table = distribution_by(frame, OUTCOME, by=by)
    return publish(
        table,
        [by, *DISTRIBUTION_COLUMNS],
        count_cols=["count"],
        group_cols=[by, "response"],
        partition_col="response",
        min_cell=min_cell,
    )


@published(
    "confidence_distribution_by_ethnicity",
    "Full answer distribution of confidence to report racism, by ethnicity group.",
    {
        "ethnicity_group": "White / Global Majority; Prefer not to say kept",
        **_distribution_text("ethnicity group"),
    },
)
def confidence_distribution_by_ethnicity(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: each answer's share within each ethnicity group (module docstring)."""
    return _distribution(frame, "ethnicity_group", min_cell)


@published(
    "confidence_distribution_by_role_level",
    "Full answer distribution of confidence to report racism, by role level.",
    {"role_level": "level of the respondent's role", **_distribution_text("role level")},
)
def confidence_distribution_by_role_level(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: each answer's share within each role level (module docstring)."""
    return _distribution(frame, "role_level", min_cell)


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


@published(
    "ordinal_model_confidence",
    "Proportional-odds model of confidence to report racism (slopes; thresholds in the notebook).",
    {
        "term": "role level vs Frontline, or Global Majority vs White (ref. = reference level)",
        "log_odds": "log of the cumulative odds ratio (positive = more confident)",
        "std_error": "standard error of log_odds (cluster-robust by organisation)",
        "ci_low": "lower limit of the 95% Wald interval for log_odds",
        "ci_high": "upper limit of the 95% Wald interval for log_odds",
        "odds_ratio": "exp(log_odds): odds of a more confident answer relative to the reference",
        "p_value": "Wald test p-value that the log odds ratio is 0 (blank: the level is held by "
        "fewer than 10 organisations, or the term is not estimable because of separation)",
    },
)
def ordinal_model_confidence(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: slopes of :func:`confidence_model`; ``attrs`` carry n, method and exclusions
    (``attrs["excluded"]["ethnicity Prefer not to say"]`` is the count left out)."""
    model = confidence_model(frame)
    table = publish_model(model.result, MODEL_COLUMNS, min_cell, kinds=("slope",))
    table.attrs["excluded"] = model.excluded
    return table


@published(
    "confidence_model_proportional_odds_test",
    "Tests of the proportional-odds assumption of the confidence model: likelihood ratio against "
    "cut-point-specific effects (primary), and Brant's Wald test.",
    {
        "test": "omnibus (all slopes) or one predictor; 'Brant: ' rows are Brant's Wald test",
        "statistic": "chi-square statistic for equal slopes across the cut points "
        "(likelihood ratio, or Brant's Wald)",
        "df": "degrees of freedom",
        "p_value": "p-value (small: the effect differs along the scale); blank where the test "
        "is not defined",
        "method": "the test, and any answer levels pooled because a group had fewer than 5 "
        "respondents on one side of a cut point",
    },
)
def confidence_proportional_odds_test(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: proportional-odds checks for :func:`confidence_model` (no counts, so nothing
    is hidden). The likelihood-ratio test (R's ``ordinal::nominal_test``) comes first; Brant's
    test follows where its matrix is well conditioned (blank otherwise). Both use the pooled
    scale named in ``method`` when a group has (almost) nobody at one end of the scale."""
    po = confidence_model(frame).result.proportional_odds
    columns = ["test", "statistic", "df", "p_value", "method"]
    if po is None:
        table = pd.DataFrame(columns=columns)
    else:
        brant = po.brant.assign(test="Brant: " + po.brant["test"].astype(str))
        table = pd.concat([po.tests[columns], brant[columns]], ignore_index=True)
    table["statistic"] = table["statistic"].astype(float).round(3)
    table["p_value"] = table["p_value"].astype(float).round(4)
    return publish(
        table,
        columns,
        count_cols=[],
        group_cols=[],
        label_cols=["test", "method"],
        min_cell=min_cell,
    )


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


FUNNEL_TEXT = {
    "step": "funnel step (experienced_or_witnessed -> reported -> satisfied)",
    "description": "who the step counts, and its base",
    "n": "base of the step: respondents eligible for it who answered",
    "count": "respondents at this step (answered Yes)",
    "pct": "percentage of the base (count / n x 100)",
    **interval_columns("the step's percentage"),
}


@published(
    "reporting_funnel",
    "Reporting funnel: experienced or witnessed -> reported -> satisfied.",
    FUNNEL_TEXT,
)
def reporting_funnel_table(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: the reporting funnel for everyone in scope (module docstring for the bases)."""
    table = reporting_funnel(frame)
    return publish(
        table,
        ["step", "description", "n", "count", "pct", "ci_low", "ci_high"],
        count_cols=["count"],
        group_cols=[],
        label_cols=["step", "description"],
        min_cell=min_cell,
    )


@published(
    "reporting_funnel_by_ethnicity",
    "Reporting funnel by ethnicity group.",
    {
        "step": FUNNEL_TEXT["step"],
        "description": FUNNEL_TEXT["description"],
        "ethnicity_group": "White / Global Majority; Prefer not to say kept",
        **{k: v for k, v in FUNNEL_TEXT.items() if k not in ("step", "description")},
    },
)
def reporting_funnel_by_ethnicity(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: the reporting funnel within each ethnicity group."""
    table = reporting_funnel(frame, by="ethnicity_group")
    return publish(
        table,
        ["step", "description", "ethnicity_group", "n", "count", "pct", "ci_low", "ci_high"],
        count_cols=["count"],
        group_cols=["ethnicity_group"],
        label_cols=["step", "description"],
        min_cell=min_cell,
    )
