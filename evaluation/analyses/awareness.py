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

from evaluation.analyses.survey_common import model_frame, positive
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


def awareness_by(
    frame: pd.DataFrame, by: str | list[str] | None = None, weights: str | None = None
) -> pd.DataFrame:
    """Share aware (answered Yes) per group, with Wilson intervals (unsuppressed, for analysis).

    Columns ``*by, n, n_aware, pct_aware, ci_low, ci_high, method`` (+ ``n_eff`` if weighted).
    """
    table = proportion_by(frame, OUTCOME, positive(OUTCOME), by=by, weights=weights)
    return table.rename(columns={"count": "n_aware", "pct": "pct_aware"})


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


def awareness_trend_tests(frame: pd.DataFrame) -> pd.DataFrame:
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
    return pd.DataFrame(rows)


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
    organisations (ambulance: one trust) or has fewer than 20 respondents gets its estimate but no
    interval or p-value; the others get robust-adjusted profile-likelihood intervals and p-values
    (scaled by the CV3 jackknife error, t(G - 1) reference) and a wild cluster score bootstrap
    p-value and interval beside them. ``method`` says which terms were affected.
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
