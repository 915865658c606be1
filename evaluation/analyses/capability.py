"""The organisation's response: capability, accountability, speaking up, and whether the
framework has made a difference, by role level and ethnicity group.

Population: respondents in scope who answered the item concerned (each item has its own
denominator). Items (five-point agreement): ``org_capability_to_respond`` (confident the
organisation would address a concern about racism effectively), ``leaders_accountable``,
``safe_to_speak_up`` and ``arf_made_difference``. "Positive" = Agree or Strongly agree.

Assumptions: a self-selected sample; Wilson 95% intervals treat respondents as independent.
Differences between groups are tested per item (chi-square with Cramér's V; for role level also
the linear-by-linear trend) and the p-values are adjusted across items and groupings with the
Benjamini-Hochberg false discovery rate, named in the table.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analyses.survey_common import interval_columns, positive, publish, published
from evaluation.disclosure import DEFAULT_MIN_CELL
from evaluation.stats import (
    adjust_pvalues,
    chi_square_test,
    contingency_table,
    distribution_by,
    linear_by_linear,
    proportion_by,
)

ITEMS = (
    "org_capability_to_respond",
    "leaders_accountable",
    "safe_to_speak_up",
    "arf_made_difference",
)
GROUPINGS = ("role_level", "ethnicity_group")
GROUP_TEXT = {
    "role_level": "level of the respondent's role",
    "ethnicity_group": "White / Global Majority (WRES convention); Prefer not to say kept",
}


def agreement_distributions(
    frame: pd.DataFrame, by: str, items: tuple[str, ...] = ITEMS
) -> pd.DataFrame:
    """Each answer's share within each group, stacked over items (unsuppressed).

    Columns ``item, *by, response, n, count, pct, ci_low, ci_high``.
    """
    parts = [distribution_by(frame, item, by=by).assign(item=item) for item in items]
    table = pd.concat(parts, ignore_index=True)
    return table[["item", by, "response", "n", "count", "pct", "ci_low", "ci_high"]]


def agreement_positive(
    frame: pd.DataFrame, by: str, items: tuple[str, ...] = ITEMS
) -> pd.DataFrame:
    """Share agreeing (Agree + Strongly agree) per group, stacked over items (unsuppressed)."""
    parts = [proportion_by(frame, item, positive(item), by=by).assign(item=item) for item in items]
    table = pd.concat(parts, ignore_index=True)
    table = table.rename(columns={"count": "n_positive", "pct": "pct_positive"})
    return table[["item", by, "n", "n_positive", "pct_positive", "ci_low", "ci_high"]]


def _distribution_table(frame: pd.DataFrame, by: str, min_cell: int) -> pd.DataFrame:
    return publish(
        agreement_distributions(frame, by),
        ["item", by, "response", "n", "count", "pct", "ci_low", "ci_high"],
        count_cols=["count"],
        group_cols=[by, "response"],
        label_cols=["item"],
        partition_col="response",
        min_cell=min_cell,
    )


def _positive_table(frame: pd.DataFrame, by: str, min_cell: int) -> pd.DataFrame:
    return publish(
        agreement_positive(frame, by),
        ["item", by, "n", "n_positive", "pct_positive", "ci_low", "ci_high"],
        count_cols=["n_positive"],
        group_cols=[by],
        label_cols=["item"],
        min_cell=min_cell,
    )


def _distribution_text(by: str) -> dict[str, str]:
    return {
        "item": "survey item (variable name; wording in the instrument dictionary)",
        by: GROUP_TEXT[by],
        "response": "answer on the five-point agreement scale (in scale order)",
        "n": "respondents in the group who answered the item",
        "count": "respondents giving this answer",
        "pct": "percentage of the group giving this answer (count / n x 100)",
        **interval_columns("this answer's percentage"),
    }


def _positive_text(by: str) -> dict[str, str]:
    return {
        "item": "survey item (variable name; wording in the instrument dictionary)",
        by: GROUP_TEXT[by],
        "n": "respondents in the group who answered the item",
        "n_positive": "of these, respondents who agree or strongly agree",
        "pct_positive": "percentage agreeing (n_positive / n x 100)",
        **interval_columns("the percentage agreeing"),
    }


@published(
    "capability_distribution_by_role_level",
    "Answer distributions of the organisational-response items by role level.",
    _distribution_text("role_level"),
)
def capability_distribution_by_role_level(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: distributions of the four items by role level (module docstring)."""
    return _distribution_table(frame, "role_level", min_cell)


@published(
    "capability_distribution_by_ethnicity",
    "Answer distributions of the organisational-response items by ethnicity group.",
    _distribution_text("ethnicity_group"),
)
def capability_distribution_by_ethnicity(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: distributions of the four items by ethnicity group (module docstring)."""
    return _distribution_table(frame, "ethnicity_group", min_cell)


@published(
    "capability_positive_by_role_level",
    "Percentage agreeing with each organisational-response item, by role level.",
    _positive_text("role_level"),
)
def capability_positive_by_role_level(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: % agreeing with each item by role level (module docstring)."""
    return _positive_table(frame, "role_level", min_cell)


@published(
    "capability_positive_by_ethnicity",
    "Percentage agreeing with each organisational-response item, by ethnicity group.",
    _positive_text("ethnicity_group"),
)
def capability_positive_by_ethnicity(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Published: % agreeing with each item by ethnicity group (module docstring)."""
    return _positive_table(frame, "ethnicity_group", min_cell)


@published(
    "capability_tests",
    "Do answers differ by role level or ethnicity group? Tests per item, FDR-adjusted.",
    {
        "item": "survey item",
        "grouping": "role_level or ethnicity_group (Prefer not to say left out of the test)",
        "test": "Pearson chi-square of independence, or linear-by-linear trend (role level)",
        "statistic": "test statistic",
        "df": "degrees of freedom",
        "effect": "Cramér's V (chi-square) or correlation r (trend; positive = more agreement "
        "with seniority)",
        "n": "respondents in the test",
        "p_value": "unadjusted p-value",
        "p_adjusted": "p-value adjusted across all rows of this table",
        "adjustment": "the multiple-testing correction used",
    },
)
def capability_tests(frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Published: per item and grouping, chi-square (and trend for role level), BH-adjusted."""
    rows = []
    for item in ITEMS:
        for by in GROUPINGS:
            data = frame[frame[by] != "Prefer not to say"] if by == "ethnicity_group" else frame
            table = contingency_table(data, by, item)
            chi2 = chi_square_test(table)
            rows.append(
                {
                    "item": item,
                    "grouping": by,
                    "test": "chi-square",
                    "statistic": chi2["statistic"],
                    "df": chi2["df"],
                    "effect": chi2["cramers_v"],
                    "n": int(chi2["n"]),
                    "p_value": chi2["p_value"],
                }
            )
            if by == "role_level":
                trend = linear_by_linear(table.to_numpy())
                rows.append(
                    {
                        "item": item,
                        "grouping": by,
                        "test": "linear-by-linear trend",
                        "statistic": trend["statistic"],
                        "df": trend["df"],
                        "effect": trend["r"],
                        "n": int(trend["n"]),
                        "p_value": trend["p_value"],
                    }
                )
    result = pd.DataFrame(rows)
    adjusted = adjust_pvalues(result["p_value"], "fdr_bh")
    result["p_adjusted"] = adjusted["p_adjusted"].round(4)
    result["adjustment"] = "Benjamini-Hochberg (fdr_bh)"
    result["p_value"] = result["p_value"].round(4)
    result[["statistic", "effect"]] = result[["statistic", "effect"]].round(3)
    return publish(
        result,
        list(result.columns),
        count_cols=[],
        group_cols=[],
        label_cols=["item", "grouping", "test"],
        min_cell=min_cell,
    )
