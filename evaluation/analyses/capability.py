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

from evaluation.analyses.survey_common import positive
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


def capability_tests(frame: pd.DataFrame, residual: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per item and grouping, chi-square (and trend for role level), BH-adjusted.

    Respondents in a residual group of the grouping (``residual``: the instrument's "Prefer not
    to say" labels) are left out of that grouping's tests.
    """
    rows = []
    for item in ITEMS:
        for by in GROUPINGS:
            data = frame[~frame[by].isin(list(residual))]
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
    result["p_adjusted"] = adjusted["p_adjusted"]
    result["adjustment"] = "Benjamini-Hochberg (fdr_bh)"
    return result
