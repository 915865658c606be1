"""Awareness of the Anti-racist Framework by seniority, pay band and ethnicity.

Population: survey respondents in the report's scope who answered ``arf_aware`` ("Before today,
were you aware of the NHS North West Anti-racist Framework?"); "aware" means answering "Yes"
("No" and "Not sure" are not aware). Respondents who skipped the question are left out of every
denominator; respondents with no role level (or band, or ethnicity) are left out of that
breakdown only.

Assumptions: respondents are a self-selected sample of staff, so percentages describe
respondents, not the workforce, unless weights are supplied; intervals (Wilson, 95%) reflect
sampling variation only and treat respondents as independent, while the adjusted model allows
for clustering within organisations.
"""

from __future__ import annotations

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
from evaluation.instrument import load_instrument
from evaluation.stats import (
    COEFFICIENT_COLUMNS,
    ModelResult,
    chi_square_test,
    contingency_table,
    linear_by_linear,
    logistic_regression,
    proportion_by,
    success_indicator,
)

OUTCOME = "arf_aware"
COLUMNS = ["n", "n_aware", "pct_aware", "ci_low", "ci_high"]
MODEL_PREDICTORS = {"role_level": "Frontline", "ethnicity_group": "White", "org_type": "acute"}
MODEL_COLUMNS = [*COEFFICIENT_COLUMNS, "wcb_p_value", "wcb_ci_low", "wcb_ci_high"]


def _column_text(group: str) -> dict[str, str]:
    return {
        "n": f"respondents in the {group} who answered the awareness question",
        "n_aware": "of these, respondents aware of the framework (answered Yes)",
        "pct_aware": "percentage aware (n_aware / n x 100)",
        **interval_columns("the percentage aware"),
    }


def awareness_by(
    frame: pd.DataFrame, by: str | list[str] | None = None, weights: str | None = None
) -> pd.DataFrame:
    """Share aware (answered Yes) per group, with Wilson intervals (unsuppressed, for analysis).

    Columns ``*by, n, n_aware, pct_aware, ci_low, ci_high, method`` (+ ``n_eff`` if weighted).
    """
    table = proportion_by(frame, OUTCOME, positive(OUTCOME), by=by, weights=weights)
    return table.rename(columns={"count": "n_aware", "pct": "pct_aware"})


@published(
    "awareness_by_role_level",
    "Awareness of the framework by role level (frontline to executive).",
    {
        "role_level": "level of the respondent's role (ordered, frontline first)",
        **_column_text("role level"),
    },
)
def awareness_by_role_level(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: percentage aware by role level (population and assumptions: module docstring)."""
    table = awareness_by(frame, "role_level")
    return publish(
        table,
        ["role_level", *COLUMNS],
        count_cols=["n_aware"],
        group_cols=["role_level"],
        min_cell=min_cell,
    )


@published(
    "awareness_by_band_group",
    "Awareness of the framework by pay band group (Bands 8a to VSM = WRES senior grouping).",
    {
        "band_group": "Agenda for Change pay band group (Medical and Not stated kept apart)",
        **_column_text("band group"),
    },
)
def awareness_by_band_group(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: percentage aware by pay band group (module docstring for the population)."""
    table = awareness_by(frame, "band_group")
    return publish(
        table,
        ["band_group", *COLUMNS],
        count_cols=["n_aware"],
        group_cols=["band_group"],
        min_cell=min_cell,
    )


@published(
    "awareness_by_ethnicity_within_role_level",
    "Awareness by ethnicity group (White / Global Majority / Prefer not to say) "
    "within each role level.",
    {
        "role_level": "level of the respondent's role",
        "ethnicity_group": "White / Global Majority (WRES convention); "
        "Prefer not to say kept distinct",
        **_column_text("role level and ethnicity group"),
    },
)
def awareness_by_ethnicity_within_role_level(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: percentage aware by ethnicity group within role level.

    Small cells are common here (few Global Majority executives): many will be suppressed, and a
    suppressed cell forces a second one in its row and column, since the role-level and
    ethnicity totals are published in other tables.
    """
    table = awareness_by(frame, ["role_level", "ethnicity_group"])
    return publish(
        table,
        ["role_level", "ethnicity_group", *COLUMNS],
        count_cols=["n_aware"],
        group_cols=["role_level", "ethnicity_group"],
        min_cell=min_cell,
    )


def _trend_rows(frame: pd.DataFrame, by: str, order: list[str]) -> list[dict[str, object]]:
    aware = success_indicator(frame[OUTCOME], positive(OUTCOME))
    data = pd.DataFrame({by: frame[by].astype("string"), "aware": aware}).dropna()
    data = data[data[by].isin(order)]
    data[by] = pd.Categorical(data[by], categories=order, ordered=True)
    data["aware"] = pd.Categorical(data["aware"].astype(bool), categories=[False, True])
    table = contingency_table(data, by, "aware")
    trend = linear_by_linear(table.to_numpy())
    chi2 = chi_square_test(table)
    return [
        {
            "grouping": by,
            "test": "linear-by-linear trend (scores 1, 2, ... in order)",
            "statistic": trend["statistic"],
            "df": trend["df"],
            "p_value": trend["p_value"],
            "effect": trend["r"],
            "effect_measure": "correlation r of order and awareness",
            "n": int(trend["n"]),
            "levels": " < ".join(order),
            "p_method": trend["p_method"],
        },
        {
            "grouping": by,
            "test": "Pearson chi-square of independence",
            "statistic": chi2["statistic"],
            "df": chi2["df"],
            "p_value": chi2["p_value"],
            "effect": chi2["cramers_v"],
            "effect_measure": "Cramér's V",
            "n": int(chi2["n"]),
            "levels": " < ".join(order),
            "p_method": chi2["p_method"],
        },
    ]


@published(
    "awareness_trend_tests",
    "Does awareness rise steadily with seniority? Trend and independence tests.",
    {
        "grouping": "ordered grouping tested "
        "(role_level; band_group on Bands 2-4 < 5-7 < 8a to VSM)",
        "test": "the test",
        "statistic": "test statistic (chi-square distributed under no association)",
        "df": "degrees of freedom",
        "p_value": "p-value (two-sided; not adjusted for the two groupings)",
        "effect": "effect size: correlation r for the trend, Cramér's V for independence",
        "effect_measure": "what the effect column measures",
        "n": "respondents included (answered the question, with a value on the grouping)",
        "levels": "the ordered levels used",
        "p_method": "how the p-value was computed: asymptotic chi-square, or Monte-Carlo with "
        "fixed margins (9,999 tables) where an expected count is below 1 or more than 20% are "
        "below 5",
    },
)
def awareness_trend_tests(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Linear-by-linear trend test (and chi-square, Cramér's V) of awareness across role levels
    and across the ordered AfC band groups (Medical and Not stated stand outside the order).

    Population as in the module docstring. Assumes independent respondents (clustering within
    organisations makes the p-values somewhat too small: see :func:`awareness_model`).
    """
    instrument = load_instrument()
    role_order = list(instrument.categories("role_level").categories)
    band_order = list(instrument.derived_variable("band_group").trend_order)
    rows = _trend_rows(frame, "role_level", role_order) + _trend_rows(
        frame, "band_group", band_order
    )
    table = pd.DataFrame(rows)
    table[["statistic", "effect"]] = table[["statistic", "effect"]].round(3)
    table["p_value"] = table["p_value"].round(4)
    return publish(
        table,
        list(table.columns),
        count_cols=[],
        group_cols=[],
        label_cols=["grouping", "test"],
        min_cell=min_cell,
    )


def awareness_model(frame: pd.DataFrame) -> tuple[ModelResult, dict[str, int]]:
    """Adjusted logistic model of awareness: role level (ref. Frontline), ethnicity group (ref.
    White) and organisation type (ref. acute), with errors clustered by organisation.

    Population: respondents who answered ``arf_aware`` with a role level, a stated ethnicity and
    an organisation. "Prefer not to say" ethnicity is excluded (a model needs a known group) and
    counted; the returned dict gives the count per exclusion reason (missing answers are in
    ``ModelResult.n_excluded``). Predictors with one level in scope are left out. Odds ratios
    are adjusted for the other predictors; they are not the ratio of percentages.

    Edges (:mod:`evaluation.stats.regression`): a separated term (say every executive in scope
    aware) is not estimable and published blank; a term whose level is held by fewer than 10
    organisations (ambulance: one trust) gets its estimate but no interval or p-value; the others
    get a wild cluster score bootstrap p-value and interval beside the sandwich ones. ``method``
    says which terms were affected.
    """
    data, predictors, excluded = model_frame(frame, MODEL_PREDICTORS)
    result = logistic_regression(
        data,
        OUTCOME,
        predictors,
        positive=positive(OUTCOME),
        cluster="org_code",
        wild_bootstrap=True,
    )
    excluded["missing answer, role level or organisation"] = result.n_excluded
    return result, excluded


@published(
    "awareness_model",
    "Adjusted odds of being aware of the framework "
    "(logistic regression, errors clustered by organisation).",
    {
        "term": "model term: a level compared with its reference (ref.), or the intercept",
        "log_odds": "estimated log odds ratio "
        "(intercept: log odds of awareness in the reference groups)",
        "std_error": "standard error of log_odds (cluster-robust by organisation)",
        "ci_low": "lower limit of the 95% Wald interval for log_odds",
        "ci_high": "upper limit of the 95% Wald interval for log_odds",
        "odds_ratio": "exp(log_odds): odds of awareness relative to the reference level, adjusted",
        "or_ci_low": "lower limit of the 95% interval for the odds ratio",
        "or_ci_high": "upper limit of the 95% interval for the odds ratio",
        "p_value": "Wald test p-value that the log odds ratio is 0 (blank: the level is held "
        "by fewer than 10 organisations, or the term is not estimable)",
        "wcb_p_value": "wild cluster score bootstrap p-value that the log odds ratio is 0 "
        "(Kline-Santos, 999 Rademacher draws): holds better than the Wald one with few or "
        "unequal organisations",
        "wcb_ci_low": "lower limit of the wild cluster bootstrap 95% interval for log_odds",
        "wcb_ci_high": "upper limit of the wild cluster bootstrap 95% interval for log_odds",
    },
)
def awareness_model_table(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: coefficients of :func:`awareness_model` (levels under ``min_cell`` hidden)."""
    result, excluded = awareness_model(frame)
    table = publish_model(result, MODEL_COLUMNS, min_cell)
    table.attrs["excluded"] = excluded
    return table
