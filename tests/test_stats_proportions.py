"""Proportions, crosstabs and tests of association against known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.stats import (
    chi_square_test,
    contingency_table,
    distribution_by,
    kish_effective_n,
    linear_by_linear,
    proportion,
    proportion_by,
    wilson_interval,
)


def wilson_by_formula(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval written out, as an independent implementation."""
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_wilson_matches_formula_and_r_prop_test() -> None:
    # R: prop.test(81, 263, correct = FALSE)$conf.int -> 0.2552885 0.3662096
    low, high = wilson_interval(81, 263)
    assert (round(float(low), 4), round(float(high), 4)) == (0.2553, 0.3662)
    for x, n in [(81, 263), (0, 12), (12, 12), (3, 40), (500, 1000)]:
        exp_low, exp_high = wilson_by_formula(x, n)
        low, high = wilson_interval(x, n)
        assert float(low) == pytest.approx(max(exp_low, 0.0), abs=1e-12)
        assert float(high) == pytest.approx(min(exp_high, 1.0), abs=1e-12)


def test_wilson_is_nan_for_empty_groups_and_zero_count_starts_at_zero() -> None:
    low, high = wilson_interval([0, 5], [0, 10])
    assert np.isnan(low[0]) and np.isnan(high[0])
    low, _ = wilson_interval(0, 20)
    assert float(low) == 0.0


def test_kish_effective_n() -> None:
    assert kish_effective_n([1, 1, 2, 2]) == pytest.approx(36 / 10)
    assert kish_effective_n(np.full(50, 3.0)) == pytest.approx(50)


def test_proportion_weighted_uses_kish_n() -> None:
    success = pd.Series([True, False, True, pd.NA, False], dtype="boolean")
    weights = pd.Series([1.0, 1.0, 2.0, 5.0, 2.0])
    plain = proportion(success)
    assert (plain["n"], plain["count"]) == (4, 2)
    weighted = proportion(success, weights)
    assert weighted["pct"] == pytest.approx(100 * 3 / 6)
    assert weighted["n_eff"] == pytest.approx(36 / 10)
    low, high = wilson_by_formula(0.5 * 3.6, 3.6)
    assert weighted["ci_low"] == pytest.approx(100 * low)
    assert weighted["ci_high"] == pytest.approx(100 * high)
    assert "Kish" in weighted["method"]


@pytest.fixture
def small() -> pd.DataFrame:
    level = pd.CategoricalDtype(["Low", "Mid", "High"], ordered=True)
    answer = pd.CategoricalDtype(["No", "Maybe", "Yes"])
    return pd.DataFrame(
        {
            "level": pd.Series(["Low", "Low", "Low", "Mid", "Mid", None, "Low"], dtype=level),
            "answer": pd.Series(["Yes", "No", None, "Yes", "Yes", "Yes", "Maybe"], dtype=answer),
            "w": [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.0],
        }
    )


def test_proportion_by_counts_by_hand(small: pd.DataFrame) -> None:
    table = proportion_by(small, "answer", positive=["Yes"], by="level")
    assert list(table["level"]) == ["Low", "Mid", "High"]  # empty category kept, in order
    assert list(table["n"]) == [3, 2, 0]  # unanswered and unknown-level rows left out
    assert list(table["count"]) == [1, 2, 0]
    assert table.loc[0, "pct"] == pytest.approx(100 / 3)
    assert np.isnan(table.loc[2, "pct"]) and np.isnan(table.loc[2, "ci_low"])
    low, high = wilson_by_formula(1, 3)
    assert table.loc[0, "ci_low"] == pytest.approx(100 * low)
    assert table.loc[0, "ci_high"] == pytest.approx(100 * high)


def test_proportion_by_weighted(small: pd.DataFrame) -> None:
    table = proportion_by(small, "answer", positive=["Yes"], by="level", weights="w")
    low = table.set_index("level").loc["Low"]
    assert low["pct"] == pytest.approx(100 * 1 / 4)  # weights 1 (Yes), 2 (No), 1 (Maybe)
    assert low["n_eff"] == pytest.approx(16 / 6)
    assert (low["n"], low["count"]) == (3, 1)  # respondent counts, for disclosure control


def test_distribution_by_shares_sum_to_100(small: pd.DataFrame) -> None:
    dist = distribution_by(small, "answer", by="level")
    low = dist[dist["level"] == "Low"]
    assert list(low["response"]) == ["No", "Maybe", "Yes"]
    assert list(low["count"]) == [1, 1, 1]
    assert set(low["n"]) == {3}
    assert low["pct"].sum() == pytest.approx(100)
    weighted = distribution_by(small, "answer", by="level", weights="w")
    mid = weighted[weighted["level"] == "Mid"].set_index("response")
    assert mid.loc["Yes", "pct"] == pytest.approx(100)
    overall = distribution_by(small, "answer")
    assert list(overall["count"]) == [1, 1, 4] and set(overall["n"]) == {6}


def test_chi_square_against_hand_computation() -> None:
    observed = np.array([[10, 20], [30, 40]], dtype=float)
    n = observed.sum()
    expected = observed.sum(1)[:, None] * observed.sum(0)[None, :] / n
    statistic = ((observed - expected) ** 2 / expected).sum()  # 0.7937 for this table
    result = chi_square_test(observed)
    assert result["statistic"] == pytest.approx(statistic)
    assert result["statistic"] == pytest.approx(0.79365, abs=1e-5)
    assert result["df"] == 1
    assert result["cramers_v"] == pytest.approx(math.sqrt(statistic / n))


def test_chi_square_drops_empty_rows() -> None:
    table = pd.DataFrame([[10, 20], [0, 0], [30, 40]], index=["a", "b", "c"])
    assert chi_square_test(table)["df"] == 1


def test_linear_by_linear_agresti_infant_malformation() -> None:
    # Agresti, An Introduction to Categorical Data Analysis (2nd ed.), Table 2.7: malformation by
    # maternal alcohol consumption, scores 0, 0.5, 1.5, 4.0, 7.0: r = 0.0142, M^2 = 6.57, P = 0.010.
    absent = [17066, 14464, 788, 126, 37]
    present = [48, 38, 5, 1, 1]
    scores = [0, 0.5, 1.5, 4.0, 7.0]
    table = np.column_stack([absent, present])
    result = linear_by_linear(table, row_scores=scores, col_scores=[0, 1])
    assert round(result["statistic"], 2) == 6.57
    assert round(result["r"], 4) == 0.0142
    # the asymptotic P of the book; but 3 of the 10 expected counts are below 5 (two below 1), so
    # the workbench's rule replaces it by the Monte-Carlo conditional P (larger: the sparse
    # heavy-drinking rows carry the trend)
    assert round(stats.chi2.sf(result["statistic"], 1), 3) == 0.010
    assert result["p_method"].startswith("Monte-Carlo")
    assert 0.012 < result["p_value"] < 0.026
    # Independent check: Pearson correlation over the 32,574 expanded observations.
    x = np.repeat(scores * 2, absent + present)
    y = np.repeat([0] * 5 + [1] * 5, absent + present)
    r = np.corrcoef(x, y)[0, 1]
    assert result["statistic"] == pytest.approx((len(x) - 1) * r**2, rel=1e-10)


def test_contingency_table_keeps_categories(small: pd.DataFrame) -> None:
    table = contingency_table(small, "level", "answer")
    assert table.shape == (3, 3)
    assert table.loc["High"].sum() == 0
    assert table.to_numpy().sum() == 5  # rows missing either answer left out
