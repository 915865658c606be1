"""Logistic and proportional-odds models: collapsed fits against row-level fits, planted effects,
the Brant test, relative likelihood and multiple-testing correction against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from sklearn.linear_model import LogisticRegression
from statsmodels.miscmodels.ordinal_model import OrderedModel

from evaluation.stats import (
    adjust_pvalues,
    logistic_regression,
    ordinal_logit,
    relative_likelihood,
)

LEVELS = ["SD", "D", "N", "A", "SA"]
ROLE_EFFECT = {"F": 0.0, "T": 0.3, "M": 0.6, "S": 1.0}
GM_EFFECT = -0.5
CUTS = np.array([-2.0, -0.8, 0.3, 1.8])


def simulate(n: int, seed: int, org_sd: float = 0.0, non_po: bool = False) -> pd.DataFrame:
    """Ordinal answers from a proportional-odds model with planted role and ethnicity effects.

    With ``non_po`` the ethnicity effect grows along the scale (the assumption is violated).
    """
    rng = np.random.default_rng(seed)
    role = rng.choice(list(ROLE_EFFECT), n, p=[0.5, 0.2, 0.2, 0.1])
    gm = rng.random(n) < 0.3
    org = rng.integers(0, 30, n)
    eta = np.array([ROLE_EFFECT[r] for r in role]) + GM_EFFECT * gm
    eta = eta + rng.normal(0, org_sd, 30)[org]
    latent = eta + rng.logistic(size=n)
    cuts = np.tile(CUTS, (n, 1))
    if non_po:
        cuts = cuts + np.outer(gm, [-1.0, -0.3, 0.3, 1.0])
    y = (latent[:, None] > cuts).sum(axis=1)
    return pd.DataFrame(
        {
            "role": pd.Categorical(role, categories=list(ROLE_EFFECT)),
            "eth": pd.Categorical(np.where(gm, "G", "W"), categories=["W", "G"]),
            "org": pd.Series(org).map(lambda i: f"O{i:02d}"),
            "y": pd.Categorical(np.array(LEVELS)[y], categories=LEVELS, ordered=True),
        }
    )


def dummies(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.get_dummies(frame[["role", "eth"]], drop_first=True).astype(float)


PREDICTORS = {"role": "F", "eth": "W"}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return simulate(4000, seed=7, org_sd=0.3)


def test_logistic_collapsed_equals_row_level_statsmodels_and_sklearn(data: pd.DataFrame) -> None:
    data = data.assign(agree=data["y"].isin(["A", "SA"]))
    y = data["agree"].astype(float)
    X = sm.add_constant(dummies(data))
    groups = pd.factorize(data["org"])[0]
    row_model = sm.GLM(y, X, family=sm.families.Binomial())
    plain = row_model.fit()
    clustered = row_model.fit(cov_type="cluster", cov_kwds={"groups": groups})

    ours = logistic_regression(data, "agree", PREDICTORS, min_clusters=10**6)
    np.testing.assert_allclose(ours.coefficients["log_odds"], plain.params, atol=1e-6)
    np.testing.assert_allclose(ours.coefficients["std_error"], plain.bse, atol=1e-6)
    assert "model-based" in ours.method

    ours_cl = logistic_regression(
        data, "agree", PREDICTORS, cluster="org", cluster_variance="CR1", interval="wald"
    )
    np.testing.assert_allclose(ours_cl.coefficients["std_error"], clustered.bse, atol=1e-6)
    # statsmodels refers the clustered z to the normal; ours (as Stata) to t(G - 1)
    t_p = 2 * stats.t.sf(np.abs(clustered.params / clustered.bse), 29)
    np.testing.assert_allclose(ours_cl.coefficients["p_value"], t_p, atol=1e-6)
    assert ours_cl.n_clusters == 30 and "cluster-robust" in ours_cl.method

    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X.iloc[:, 1:], y)
    np.testing.assert_allclose(ours.coefficients["log_odds"].iloc[1:], sk.coef_[0], atol=1e-4)
    table = ours.coefficients
    assert table["odds_ratio"].to_numpy() == pytest.approx(np.exp(table["log_odds"]))
    assert table.loc[1, "term"] == "role: T (ref. F)"


def test_logistic_uses_positive_answers_and_counts_exclusions(data: pd.DataFrame) -> None:
    data = data.copy()
    data.loc[:9, "y"] = np.nan
    data.loc[10:14, "role"] = np.nan
    result = logistic_regression(data, "y", PREDICTORS, positive=["A", "SA"])
    assert result.n_excluded == 15 and result.n == len(data) - 15
    assert result.coefficients.attrs["n"] == result.n


def test_ordinal_collapsed_equals_ordered_model(data: pd.DataFrame) -> None:
    ours = ordinal_logit(data, "y", PREDICTORS)
    model = OrderedModel(data["y"], dummies(data), distr="logit")
    first = model.fit(method="bfgs", maxiter=5000, disp=False)
    ref = model.fit(start_params=first.params, method="newton", maxiter=100, disp=False)
    k = dummies(data).shape[1]
    slopes = ours.coefficients[ours.coefficients["kind"] == "slope"]
    thresholds = ours.coefficients[ours.coefficients["kind"] == "threshold"]
    np.testing.assert_allclose(slopes["log_odds"], ref.params.iloc[:k], atol=1e-6)
    natural = model.transform_threshold_params(ref.params.to_numpy())[1:-1]
    np.testing.assert_allclose(thresholds["log_odds"], natural, atol=1e-6)
    # statsmodels' errors come from a numerical Hessian; ours from the analytic one.
    np.testing.assert_allclose(slopes["std_error"], ref.bse.iloc[:k], rtol=1e-4)
    assert ours.log_likelihood == pytest.approx(ref.llf, abs=1e-6)
    assert list(thresholds["term"]) == ["SD|D", "D|N", "N|A", "A|SA"]
    assert ours.converged and ours.levels == LEVELS and ours.dropped_levels == []


def test_two_level_ordinal_is_logistic_with_cluster_errors(data: pd.DataFrame) -> None:
    binary = data.assign(
        b=pd.Categorical(
            np.where(data["y"].isin(["A", "SA"]), "hi", "lo"), ["lo", "hi"], ordered=True
        )
    )
    ordinal = ordinal_logit(
        binary, "b", PREDICTORS, cluster="org", cluster_variance="CR1"
    ).coefficients
    logistic = logistic_regression(
        binary, "b", PREDICTORS, positive=["hi"], cluster="org", cluster_variance="CR1"
    ).coefficients
    # P(lo) = F(theta - x b) <=> logit P(hi) = -theta + x b
    assert ordinal.loc[0, "log_odds"] == pytest.approx(-logistic.loc[0, "log_odds"], abs=1e-6)
    np.testing.assert_allclose(ordinal["log_odds"][1:], logistic["log_odds"][1:], atol=1e-6)
    np.testing.assert_allclose(ordinal["std_error"], logistic["std_error"], atol=1e-6)


def test_ordinal_recovers_planted_effects_and_passes_brant() -> None:
    data = simulate(20_000, seed=11)
    result = ordinal_logit(data, "y", PREDICTORS)
    slopes = result.coefficients.set_index("term")
    planted = {f"role: {r} (ref. F)": b for r, b in ROLE_EFFECT.items() if r != "F"}
    planted["eth: G (ref. W)"] = GM_EFFECT
    for term, value in planted.items():
        assert slopes.loc[term, "ci_low"] < value < slopes.loc[term, "ci_high"], term
    thresholds = result.coefficients[result.coefficients["kind"] == "threshold"]
    assert (thresholds["ci_low"] < CUTS).all() and (thresholds["ci_high"] > CUTS).all()
    assert thresholds["odds_ratio"].isna().all()
    tests = result.proportional_odds.tests.set_index("test")
    assert tests.loc["omnibus", "df"] == 4 * 3
    assert tests.loc["omnibus", "p_value"] > 0.01


def test_brant_detects_non_proportional_odds() -> None:
    data = simulate(20_000, seed=3, non_po=True)
    tests = ordinal_logit(data, "y", PREDICTORS).proportional_odds
    by_test = tests.tests.set_index("test")
    assert by_test.loc["eth", "p_value"] < 1e-6
    assert by_test.loc["role", "p_value"] > 0.001
    # the separate binary-logit slopes for ethnicity spread out along the scale
    eth = tests.cut_estimates.loc["eth: G (ref. W)"]
    assert eth.iloc[0] - eth.iloc[-1] > 1.0  # planted: cut points spread apart for G


def test_brant_covariance_matches_separate_binary_logits(data: pd.DataFrame) -> None:
    # Diagonal blocks of Brant's covariance are each binary logit's own covariance, so the
    # one-cut-point-at-a-time Wald statistic for the role slopes is reproduced from the GLMs.
    result = ordinal_logit(data, "y", PREDICTORS).proportional_odds
    X = sm.add_constant(dummies(data))
    for cut, column in zip(LEVELS[:-1], result.cut_estimates.columns, strict=True):
        above = (data["y"].cat.codes > LEVELS.index(cut)).astype(float)
        fit = sm.GLM(above, X, family=sm.families.Binomial()).fit()
        np.testing.assert_allclose(result.cut_estimates[column], fit.params.iloc[1:], atol=1e-6)


def test_ordinal_drops_unused_levels_and_needs_ordered_outcome(data: pd.DataFrame) -> None:
    data = data[data["y"] != "SD"].copy()
    result = ordinal_logit(data, "y", PREDICTORS, test_proportional_odds=False)
    assert result.dropped_levels == ["SD"] and result.proportional_odds is None
    with pytest.raises(TypeError):
        ordinal_logit(data.assign(y=data["y"].astype(str)), "y", PREDICTORS)


def test_relative_likelihood_against_katz_interval() -> None:
    a, n_a, c, n_c = 45, 150, 30, 200
    rr = (a / n_a) / (c / n_c)
    se = math.sqrt(1 / a - 1 / n_a + 1 / c - 1 / n_c)
    result = relative_likelihood(a, n_a, c, n_c)
    assert result["relative_likelihood"] == pytest.approx(2.0)
    assert result["relative_likelihood"] == pytest.approx(rr)
    assert result["ci_low"] == pytest.approx(rr * math.exp(-1.959963984540054 * se))
    assert result["ci_high"] == pytest.approx(rr * math.exp(1.959963984540054 * se))
    assert np.isnan(relative_likelihood(5, 10, 0, 10)["relative_likelihood"])


def test_multiplicity_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.20]
    holm = adjust_pvalues(p, "holm")
    # sorted 0.01, 0.03, 0.04, 0.20 -> x4, x3, x2, x1 with running max: 0.04, 0.09, 0.09, 0.20
    assert holm["p_adjusted"].tolist() == pytest.approx([0.04, 0.09, 0.09, 0.20])
    bh = adjust_pvalues(p, "fdr_bh")
    # p * m / rank with running min from the top: 0.04, 0.0533, 0.0533, 0.20
    assert bh["p_adjusted"].tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    with_nan = adjust_pvalues([0.01, np.nan], "bonferroni")
    assert (
        with_nan["p_adjusted"].iloc[0] == pytest.approx(0.01) and with_nan["p_adjusted"].isna()[1]
    )
    with pytest.raises(ValueError):
        adjust_pvalues(p, "hs")  # type: ignore[arg-type]
