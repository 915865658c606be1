"""Statistics at the edges (issue 17): separation, proportional-odds tests where they are defined,
few clusters, small expected counts, exact power, raking with empty levels and planted
non-response. Known answers come from independent computations (statsmodels, scipy, closed forms,
full enumeration); the simulations are small (seconds); larger ones are in
``benchmarks/simulation_study.py``."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from evaluation.analyses.year_on_year import _p_value
from evaluation.stats import chi_square_test, logistic_regression, ordinal_logit, rake
from evaluation.stats.association import small_expected
from evaluation.stats.power import exact_power, minimum_detectable_difference
from evaluation.stats.separation import check_separation

LEVELS = list("abcde")
CUTS = np.array([-2.0, -0.8, 0.3, 1.8])


def ordinal_sample(n: int, rng: np.random.Generator, beta=(0.0, 0.4, 0.8), p=(0.6, 0.3, 0.1)):
    """Proportional odds true: one three-level predictor ``g`` (ref. F) with a small level S."""
    g = rng.choice(3, n, p=list(p))
    latent = np.asarray(beta)[g] + rng.logistic(size=n)
    y = (latent[:, None] > CUTS).sum(axis=1)
    return pd.DataFrame(
        {
            "g": pd.Categorical(np.array(["F", "M", "S"])[g], categories=["F", "M", "S"]),
            "y": pd.Categorical(np.array(LEVELS)[y], categories=LEVELS, ordered=True),
        }
    )


# --- separation ---------------------------------------------------------------------------------


def test_separation_linear_programme_textbook_cases() -> None:
    # Albert and Anderson (1984): x = 1..6, y = 0 0 0 1 1 1 is completely separated;
    # overlapping at x = 3 it is not; a dummy whose level is all "yes" is quasi-separated.
    x = np.arange(1.0, 7.0)[:, None]
    assert check_separation(x, np.array([0, 0, 0, 1, 1, 1]), 2).separated_columns == [0]
    assert not check_separation(x, np.array([0, 0, 1, 0, 1, 1]), 2).separated
    dummy = np.array([[0.0], [0.0], [1.0], [1.0]])
    quasi = check_separation(dummy, np.array([0, 1, 1, 1]), 2)
    assert quasi.separated and quasi.perfectly_predicted.tolist() == [False, False, True, True]
    # ordinal: a level with nobody in the lowest answer is NOT separated for proportional odds,
    # a level entirely in the top answer is
    ordinal_x = np.array([[0.0], [0.0], [0.0], [1.0], [1.0]])
    assert not check_separation(ordinal_x, np.array([0, 1, 2, 1, 2]), 3).separated
    assert check_separation(ordinal_x, np.array([0, 1, 2, 2, 2]), 3).separated


def _separated_frame(seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 600
    role = rng.choice(["F", "M", "S"], n, p=[0.6, 0.3, 0.1])
    eth = rng.choice(["W", "G"], n, p=[0.7, 0.3])
    p = 1 / (1 + np.exp(-(-0.3 + 0.6 * (role == "M") - 0.4 * (eth == "G"))))
    y = rng.random(n) < p
    y[role == "S"] = True  # every senior leader answered Yes
    return pd.DataFrame(
        {
            "role": pd.Categorical(role, categories=["F", "M", "S"]),
            "eth": pd.Categorical(eth, categories=["W", "G"]),
            "y": y,
        }
    )


def test_separated_logistic_term_is_not_estimable_and_the_rest_is_the_limiting_fit() -> None:
    frame = _separated_frame()
    # statsmodels' own fit "converges" to a large finite value: the trap the check avoids
    exog = sm.add_constant(pd.get_dummies(frame[["role", "eth"]], drop_first=True).astype(float))
    naive = sm.GLM(frame["y"].astype(float), exog, family=sm.families.Binomial()).fit()
    assert abs(naive.params["role_S"]) > 10

    result = logistic_regression(frame, "y", {"role": "F", "eth": "W"})
    table = result.coefficients.set_index("term")
    senior = "role: S (ref. F)"
    assert result.not_estimable == [senior]
    assert not table.loc[senior, "estimable"]
    assert table.loc[senior, ["log_odds", "ci_low", "p_value", "odds_ratio"]].isna().all()
    assert "not estimable" in table.loc[senior, "note"] and "separation" in result.method
    assert result.n_perfectly_predicted == int((frame["role"] == "S").sum())
    # the other terms: the fit without the senior leaders (the limit as the slope grows)
    rest = frame[frame["role"] != "S"]
    exog_rest = sm.add_constant(
        pd.get_dummies(rest[["role", "eth"]], drop_first=True).astype(float)[["role_M", "eth_G"]]
    )
    limit = sm.GLM(rest["y"].astype(float), exog_rest, family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(
        table.loc[["(Intercept)", "role: M (ref. F)", "eth: G (ref. W)"], "log_odds"],
        limit.params,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        table.loc[["(Intercept)", "role: M (ref. F)", "eth: G (ref. W)"], "std_error"],
        limit.bse,
        atol=1e-6,
    )


def test_separated_ordinal_term_is_not_estimable() -> None:
    frame = ordinal_sample(800, np.random.default_rng(4))
    frame.loc[frame["g"] == "S", "y"] = "e"  # every S answered the top level
    result = ordinal_logit(frame, "y", {"g": "F"})
    table = result.coefficients.set_index("term")
    assert result.not_estimable == ["g: S (ref. F)"]
    assert np.isnan(table.loc["g: S (ref. F)", "log_odds"])
    assert np.isfinite(table.loc["g: M (ref. F)", "log_odds"])
    assert result.proportional_odds is None  # not tested on a separated fit


# --- proportional odds ----------------------------------------------------------------------------


def test_likelihood_ratio_test_against_the_saturated_model() -> None:
    # With one categorical predictor, the model with nominal effects for it is saturated (every
    # group its own answer distribution), so its log-likelihood is sum n log(n / n_group).
    frame = ordinal_sample(3000, np.random.default_rng(9), p=(0.5, 0.3, 0.2))
    result = ordinal_logit(frame, "y", {"g": "F"})
    po = result.proportional_odds
    assert po.merged == []
    counts = pd.crosstab(frame["g"], frame["y"]).to_numpy(dtype=float)
    saturated = float(np.sum(counts * np.log(counts / counts.sum(axis=1, keepdims=True))))
    expected = 2 * (saturated - result.log_likelihood)
    row = po.tests.set_index("test").loc["g"]
    assert row["statistic"] == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert row["df"] == 2 * 3
    assert row["p_value"] == pytest.approx(stats.chi2.sf(expected, 6), rel=1e-5)


def test_sparse_levels_are_pooled_before_testing_and_named() -> None:
    frame = ordinal_sample(2000, np.random.default_rng(5))
    frame.loc[(frame["g"] == "S") & (frame["y"] == "a"), "y"] = "b"  # no S in the lowest answer
    po = ordinal_logit(frame, "y", {"g": "F"}).proportional_odds
    assert po.merged == ["a + b"] and po.levels[0] == "a + b"
    assert "pooled" in po.tests["method"].iloc[0]
    brant = po.brant.set_index("test")
    assert np.isfinite(brant.loc["omnibus", "statistic"])
    assert brant.loc["omnibus", "df"] == 2 * 2  # two slopes, three cut points after pooling


def test_likelihood_ratio_size_by_small_simulation() -> None:
    # Proportional odds true, a small third level (10%): the test must reject about 5% of the
    # time (the old Brant computation rejected 31.5% of synthetic waves). 120 samples of 300.
    rng = np.random.default_rng(2026)
    p_values = []
    for _ in range(120):
        po = ordinal_logit(ordinal_sample(300, rng), "y", {"g": "F"}).proportional_odds
        if po is not None:
            p_values.append(po.tests.set_index("test").loc["omnibus", "p_value"])
    p_values = np.array(p_values)
    assert len(p_values) >= 100
    assert 0.005 <= np.mean(p_values < 0.05) <= 0.11
    assert np.mean(p_values > 0.9) < 0.2  # the old test gave p > 0.9 in 40% of waves


def test_likelihood_ratio_detects_non_proportional_odds() -> None:
    rng = np.random.default_rng(8)
    frame = ordinal_sample(3000, rng, p=(0.5, 0.5, 0.0))
    # G answers spread out: lower at the bottom, higher at the top (same mean)
    spread = frame["g"] == "M"
    latent_shift = np.where(rng.random(len(frame)) < 0.5, -1.2, 1.2)
    y = frame["y"].cat.codes.to_numpy()
    y = np.where(spread, np.clip(y + np.sign(latent_shift).astype(int), 0, 4), y)
    frame["y"] = pd.Categorical(np.array(LEVELS)[y], categories=LEVELS, ordered=True)
    frame["g"] = frame["g"].cat.remove_unused_categories()
    po = ordinal_logit(frame, "y", {"g": "F"}).proportional_odds
    assert po.tests.set_index("test").loc["g", "p_value"] < 1e-6


# --- few clusters, conf_int, wording from alpha ---------------------------------------------------


def _clustered_frame(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orgs = [f"A{i:02d}" for i in range(24)] + ["AMB"]
    types = {o: ("ambulance" if o == "AMB" else "acute") for o in orgs}
    org = rng.choice(orgs, 5000)
    effect = dict(zip(orgs, rng.normal(0, 0.4, len(orgs)), strict=True))
    role = rng.choice(["F", "S"], 5000, p=[0.8, 0.2])
    eta = -0.2 + 0.7 * (role == "S") + np.array([effect[o] for o in org])
    return pd.DataFrame(
        {
            "org": org,
            "org_type": pd.Categorical([types[o] for o in org], categories=["acute", "ambulance"]),
            "role": pd.Categorical(role, categories=["F", "S"]),
            "y": rng.random(5000) < 1 / (1 + np.exp(-eta)),
        }
    )


def test_term_on_one_cluster_gets_no_clustered_interval() -> None:
    frame = _clustered_frame()
    result = logistic_regression(frame, "y", {"role": "F", "org_type": "acute"}, cluster="org")
    table = result.coefficients.set_index("term")
    amb = "org_type: ambulance (ref. acute)"
    assert np.isfinite(table.loc[amb, "log_odds"])
    assert table.loc[amb, ["std_error", "ci_low", "ci_high", "p_value"]].isna().all()
    assert "1 cluster" in table.loc[amb, "note"]
    assert "fewer than 10 clusters" in result.method
    role = table.loc["role: S (ref. F)"]
    assert np.isfinite(role["ci_low"]) and role["note"] == ""


@pytest.mark.parametrize("model", ["logistic", "ordinal"])
def test_level_of_few_respondents_gets_its_estimate_but_no_interval(model: str) -> None:
    """One rule in both models: a level of fewer than 20 respondents (19 here, in 19 of 30
    organisations, so the few-clusters rule does not apply) has no interval or p-value; the same
    level with 20 respondents has both. Wald intervals on so few under-cover (simulation study)."""
    rng = np.random.default_rng(4)
    for size, shown in [(19, False), (20, True)]:
        n = 3000
        orgs = np.array([f"O{i:02d}" for i in range(30)])
        role = np.where(np.arange(n) < size, "E", rng.choice(["F", "M"], n))
        org = np.where(np.arange(n) < size, orgs[np.arange(n) % 19], rng.choice(orgs, n))
        latent = 0.8 * (role == "E") + 0.3 * (role == "M") + rng.logistic(size=n)
        frame = pd.DataFrame({"org": org, "role": pd.Categorical(role, categories=["F", "M", "E"])})
        if model == "logistic":
            frame["y"] = latent > 0.0
            result = logistic_regression(frame, "y", {"role": "F"}, cluster="org")
        else:
            frame["y"] = pd.Categorical(
                np.array(LEVELS)[(latent[:, None] > CUTS).sum(axis=1)], LEVELS, ordered=True
            )
            result = ordinal_logit(frame, "y", {"role": "F"}, cluster="org")
        table = result.coefficients.set_index("term")
        executive = table.loc["role: E (ref. F)"]
        assert np.isfinite(executive["log_odds"])
        assert table.loc["role: M (ref. F)", ["ci_low", "p_value"]].notna().all()
        if shown:
            assert executive[["ci_low", "ci_high", "p_value"]].notna().all()
            assert "fewer than 20 respondents" not in result.method
        else:
            assert executive[["std_error", "ci_low", "ci_high", "p_value"]].isna().all()
            assert executive["note"] == "no interval: level of 19 respondents, fewer than 20"
            assert "fewer than 20 respondents" in result.method


def _skewed_frame(seed: int = 3, n: int = 2000) -> pd.DataFrame:
    """A small level S whose answers are nearly all one way (a skewed log-likelihood)."""
    rng = np.random.default_rng(seed)
    role = rng.choice(["F", "M", "S"], n, p=[0.7, 0.25, 0.05])
    eta = -0.8 + 0.9 * (role == "M") + 2.5 * (role == "S")
    return pd.DataFrame(
        {
            "org": rng.choice([f"O{i:02d}" for i in range(30)], n),
            "role": pd.Categorical(role, categories=["F", "M", "S"]),
            "y": rng.random(n) < 1 / (1 + np.exp(-eta)),
        }
    )


def _row_level_loglik(frame: pd.DataFrame, level: str, value: float) -> float:
    """Independent profile: the row-level GLM with the ``level`` dummy's coefficient held at
    ``value`` (an offset), the other coefficients maximised."""
    dummies = pd.get_dummies(frame["role"], dtype=float)
    exog = sm.add_constant(dummies.drop(columns=["F", level]))
    fit = sm.GLM(
        frame["y"].astype(float), exog, family=sm.families.Binomial(),
        offset=value * dummies[level],
    ).fit()  # fmt: skip
    return float(fit.llf)


@pytest.mark.parametrize("cluster", [None, "org"])
def test_profile_interval_is_where_the_scaled_likelihood_ratio_meets_its_critical_value(
    cluster: str | None,
) -> None:
    """At each bound the row-level likelihood ratio, scaled by model-based over robust variance
    (1 without clusters), equals the squared critical value; the p-value is that statistic's
    tail at 0, so the interval excludes 0 exactly when p < 0.05; the interval is asymmetric
    where the likelihood is skewed, unlike the Wald one."""
    frame = _skewed_frame()
    result = logistic_regression(frame, "y", {"role": "F"}, cluster=cluster)
    wald = logistic_regression(frame, "y", {"role": "F"}, cluster=cluster, interval="wald")
    full = sm.GLM(
        frame["y"].astype(float),
        sm.add_constant(pd.get_dummies(frame["role"], dtype=float).drop(columns="F")),
        family=sm.families.Binomial(),
    ).fit()
    model_se = np.sqrt(np.diag(full.cov_params()))
    df = result.reference_df
    crit = (stats.norm.ppf(0.975) if df is None else stats.t.ppf(0.975, df)) ** 2
    for k, level in [(1, "M"), (2, "S")]:
        row = result.coefficients.iloc[k]
        scale = (model_se[k] / row["std_error"]) ** 2
        for bound in (row["ci_low"], row["ci_high"]):
            ratio = 2 * (full.llf - _row_level_loglik(frame, level, bound)) * scale
            assert ratio == pytest.approx(crit, rel=1e-5)
        at_zero = 2 * (full.llf - _row_level_loglik(frame, level, 0.0)) * scale
        expected = stats.chi2.sf(at_zero, 1) if df is None else stats.f.sf(at_zero, 1, df)
        assert row["p_value"] == pytest.approx(expected, rel=1e-4)
        assert row["or_ci_high"] == pytest.approx(np.exp(row["ci_high"]))
    skewed, symmetric = result.coefficients.iloc[2], wald.coefficients.iloc[2]
    assert skewed["ci_high"] - skewed["log_odds"] > 1.1 * (skewed["log_odds"] - skewed["ci_low"])
    assert symmetric["ci_high"] - symmetric["log_odds"] == pytest.approx(
        symmetric["log_odds"] - symmetric["ci_low"]
    )
    assert "robust-adjusted profile likelihood" in result.method


def test_conf_int_and_wording_follow_alpha() -> None:
    frame = _clustered_frame()
    result = logistic_regression(
        frame, "y", {"role": "F"}, cluster="org", alpha=0.10, interval="wald"
    )
    df = result.n_clusters - 1
    label = f"Wald 90% CIs and p-values from t({df})"
    assert label in result.method and result.interval_label == label
    profile = logistic_regression(frame, "y", {"role": "F"}, cluster="org", alpha=0.10)
    assert profile.interval_label in profile.method and "90% intervals" in profile.method
    table = result.coefficients.set_index("term")
    ci = result.conf_int()
    np.testing.assert_allclose(ci["lower"], table["ci_low"])
    ci95 = result.conf_int(0.05)
    t = stats.t.ppf(0.975, result.n_clusters - 1)
    np.testing.assert_allclose(ci95["upper"], table["log_odds"] + t * table["std_error"])
    # the CR1 option's error is statsmodels' own clustered one (statsmodels' interval is normal)
    exog = sm.add_constant((frame["role"] == "S").astype(float).rename("S"))
    fit = sm.GLM(frame["y"].astype(float), exog, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["org"])[0]}
    )
    cr1 = logistic_regression(frame, "y", {"role": "F"}, cluster="org", cluster_variance="CR1")
    np.testing.assert_allclose(cr1.coefficients["std_error"], fit.bse, atol=1e-6)


# --- small expected counts ------------------------------------------------------------------------


def _exact_conditional_p(table: np.ndarray) -> float:
    """Exact P(X^2 >= observed) over every 2 x c table with the observed margins (enumeration)."""
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = table.sum()
    expected = np.outer(rows, cols) / n

    def x2(t: np.ndarray) -> float:
        return float(((t - expected) ** 2 / expected).sum())

    observed = x2(table)
    total = 0.0
    for first in itertools.product(*[range(c + 1) for c in cols]):
        if sum(first) != rows[0]:
            continue
        t = np.array([first, cols - np.array(first)])
        # multivariate hypergeometric probability of the first row
        logp = sum(
            math.lgamma(c + 1) - math.lgamma(a + 1) - math.lgamma(c - a + 1)
            for a, c in zip(first, cols, strict=True)
        )
        logp -= math.lgamma(n + 1) - math.lgamma(rows[0] + 1) - math.lgamma(rows[1] + 1)
        if x2(t) >= observed * (1 - 1e-12):
            total += math.exp(logp)
    return total


def test_sparse_chi_square_uses_monte_carlo_close_to_the_exact_p() -> None:
    table = np.array([[6, 1, 0, 2], [3, 4, 5, 1]])
    result = chi_square_test(table)
    assert result["p_method"].startswith("Monte-Carlo")
    exact = _exact_conditional_p(table)
    se = math.sqrt(exact * (1 - exact) / 9999)
    assert abs(result["p_value"] - exact) < 4 * se
    assert result["p_value"] != pytest.approx(stats.chi2_contingency(table)[1], abs=1e-3)


def test_sparse_two_by_two_uses_fisher_and_large_tables_stay_asymptotic() -> None:
    sparse = np.array([[1, 9], [6, 4]])
    assert small_expected(stats.contingency.expected_freq(sparse))
    result = chi_square_test(sparse)
    assert result["p_method"] == "Fisher exact (two-sided)"
    assert result["p_value"] == pytest.approx(stats.fisher_exact(sparse).pvalue)
    large = np.array([[120, 80, 60], [100, 90, 70]])
    result = chi_square_test(large)
    assert result["p_method"] == "asymptotic chi-square"
    assert result["p_value"] == pytest.approx(stats.chi2_contingency(large, correction=False)[1])


# --- power ----------------------------------------------------------------------------------------


def test_exact_power_is_the_real_power_of_the_test_used() -> None:
    # the year-on-year test itself (chi-square, or Fisher when sparse), on every possible outcome
    n, p1, p2 = 50, 0.05, 0.20
    by_hand = sum(
        stats.binom.pmf(a, n, p1) * stats.binom.pmf(b, n, p2) * (_p_value(a, n, b, n) < 0.05)
        for a in range(n + 1)
        for b in range(n + 1)
        if stats.binom.pmf(a, n, p1) * stats.binom.pmf(b, n, p2) > 1e-14
    )
    assert exact_power(p1, p2, n, n) == pytest.approx(by_hand, abs=1e-9)
    # and the planning answer has the power it claims, where the arcsine method falls short
    d = minimum_detectable_difference(0.03, 300, 300, direction="decrease", method="exact")
    assert exact_power(0.03, 0.03 - d, 300, 300) == pytest.approx(0.80, abs=0.002)
    d_arcsine = minimum_detectable_difference(0.03, 300, 300, direction="decrease")
    assert exact_power(0.03, 0.03 - d_arcsine, 300, 300) < 0.72
    # from 2% no fall reaches 80% with 300 a wave: exact says so (NaN), arcsine claims 1.9 points
    assert math.isnan(
        minimum_detectable_difference(0.02, 300, 300, direction="decrease", method="exact")
    )
    d_claimed = minimum_detectable_difference(0.02, 300, 300, direction="decrease")
    assert exact_power(0.02, 0.02 - d_claimed, 300, 300) < 0.55
    # a small simulation agrees with the exact figure
    rng = np.random.default_rng(3)
    x1, x2 = rng.binomial(300, 0.03, 1500), rng.binomial(300, 0.03 - d, 1500)
    simulated = np.mean([_p_value(a, 300, b, 300) < 0.05 for a, b in zip(x1, x2, strict=True)])
    assert abs(simulated - 0.80) < 3.5 * math.sqrt(0.8 * 0.2 / 1500)


# --- raking ---------------------------------------------------------------------------------------


def test_raking_collapses_an_empty_margin_level_instead_of_raising() -> None:
    frame = pd.DataFrame({"band": ["low"] * 30 + ["high"] * 10, "eth": ["W"] * 25 + ["G"] * 15})
    margins = {"band": {"low": 0.5, "high": 0.3, "medical": 0.2}, "eth": {"W": 0.6, "G": 0.4}}
    result = rake(frame, margins)
    assert result.converged
    assert any("medical" in note and "collapsed" in note for note in result.notes)
    shares = result.weights.groupby(frame["band"]).sum() / result.weights.sum()
    assert shares["low"] == pytest.approx(0.5 / 0.8, abs=1e-6)


def test_raking_leaves_unstated_answers_out_of_their_margin() -> None:
    frame = pd.DataFrame(
        {"eth": ["W"] * 50 + ["G"] * 10 + ["Prefer not to say"] * 5, "band": ["x"] * 65}
    )
    margins = {"eth": {"W": 0.6, "G": 0.3, "Prefer not to say": 0.1}, "band": {"x": 1.0}}
    result = rake(frame, margins, unstated=("Prefer not to say",))
    stated = frame["eth"] != "Prefer not to say"
    w = result.weights[stated]
    assert (w[frame["eth"] == "W"].sum() / w.sum()) == pytest.approx(0.6 / 0.9, abs=1e-6)
    assert any("survey answers" in note for note in result.notes)


def test_weighting_moves_planted_nonresponse_towards_the_truth() -> None:
    from evaluation.analyses.headlines import headline_estimates
    from evaluation.analyses.weighted import weighted_headline_indicators
    from evaluation.synth.nonresponse import nonresponse_wave

    sample = nonresponse_wave(2025, 12000, seed=3)
    truth = headline_estimates(sample.workforce).set_index("indicator")["pct"]
    table = weighted_headline_indicators(sample.respondents, sample.margins)
    row = table.set_index("indicator").loc["aware_all"]
    bias, left = abs(row["pct"] - truth["aware_all"]), abs(row["pct_weighted"] - truth["aware_all"])
    assert bias > 2.0  # the planted bias is real
    assert left < bias / 2
    assert row["ci_low"] <= truth["aware_all"] <= row["ci_high"]
    assert table.attrs["notes"] == []  # the margins are workforce attributes already


# --- wild cluster bootstrap -----------------------------------------------------------------------


def test_wild_cluster_bootstrap_agrees_with_sandwich_when_clusters_are_many() -> None:
    frame = _clustered_frame()
    result = logistic_regression(frame, "y", {"role": "F"}, cluster="org", wild_bootstrap=True)
    row = result.coefficients.set_index("term").loc["role: S (ref. F)"]
    width = row["ci_high"] - row["ci_low"]
    assert abs(row["wcb_ci_low"] - row["ci_low"]) < 0.2 * width
    assert abs(row["wcb_ci_high"] - row["ci_high"]) < 0.2 * width
    assert row["wcb_p_value"] < 0.01 and "bootstrap" in result.method
    # the interval is the set of null values not rejected: its ends sit at p = alpha
    from evaluation.stats.bootstrap import ScoreBootstrap

    design_frame = frame.assign(s=(frame["role"] == "S").astype(float))
    exog = np.column_stack([np.ones(len(frame)), design_frame["s"]])
    boot = ScoreBootstrap(exog, frame["y"].to_numpy(float), np.ones(len(frame)), frame["org"])
    inside = row["wcb_ci_low"] + 0.05 * width
    outside = row["wcb_ci_low"] - 0.05 * width
    assert boot.p_value(1, inside) > 0.05 >= boot.p_value(1, outside)
    assert boot.p_value(1, row["log_odds"]) > 0.5
    # a null value far out (fitted probabilities of 0 and 1) gives a figure or NaN, never an error
    far = boot.p_value(1, 800.0)
    assert np.isnan(far) or far <= 0.05


def test_wild_cluster_bootstrap_rejects_a_far_null_with_four_clusters() -> None:
    # Four organisations, a strong effect: a null value far from the estimate must be rejected.
    # Rademacher signs cannot (2^3 distinct statistics: p >= 1/8, the interval never closes);
    # Webb's six-point weights can.
    from evaluation.stats.bootstrap import ScoreBootstrap

    rng = np.random.default_rng(4)
    org = np.repeat(np.arange(4), 60)
    x = (np.arange(org.size) % 2).astype(float)
    y = (rng.random(org.size) < np.where(x == 1, 0.8, 0.3)).astype(float)
    exog = np.column_stack([np.ones(org.size), x])
    boot = ScoreBootstrap(exog, y, np.ones(org.size), org)
    estimate = np.log(0.8 / 0.2) - np.log(0.3 / 0.7)
    assert boot.p_value(1, estimate + 4.0) < 0.05
    assert boot.p_value(1, estimate - 4.0) < 0.05
    assert boot.p_value(1, estimate) > 0.2


def test_wild_cluster_bootstrap_size_with_few_unequal_clusters() -> None:
    # 12 organisations of very unequal size and very different shares at the level tested,
    # an organisation effect on the outcome and no effect of the level (the null is exact).
    # Over 150 such samples the sandwich Wald test rejected 8.0%, the bootstrap 3.3%; here 80
    # samples and a loose band.
    rng = np.random.default_rng(12)
    wald = boot = 0
    for _ in range(80):
        sizes = rng.integers(20, 300, 12)
        org = np.repeat(np.arange(12), sizes)
        x = rng.random(org.size) < np.repeat(rng.uniform(0.02, 0.6, 12), sizes)
        eta = -0.3 + np.repeat(rng.normal(0, 0.8, 12), sizes)
        y = rng.random(org.size) < 1 / (1 + np.exp(-eta))
        frame = pd.DataFrame(
            {"x": pd.Categorical(np.where(x, "b", "a")), "org": org.astype(str), "y": y}
        )
        fit = logistic_regression(
            frame, "y", {"x": "a"}, cluster="org", wild_bootstrap=True, min_term_clusters=1
        )
        row = fit.coefficients.iloc[1]
        boot += row["wcb_p_value"] < 0.05
        wald += row["p_value"] < 0.05
    assert boot / 80 <= 0.09
    assert boot <= wald


def test_method_text_states_the_clusters_its_reference_uses() -> None:
    # the senior leaders sit in two organisations of their own and are all separated: those two
    # clusters drop out of the errors, so the text must not say 32 clusters beside t(29)
    frame = _separated_frame()
    rest = (frame["role"] != "S").to_numpy()
    org = np.where(rest, np.arange(len(frame)) % 30, 30 + np.arange(len(frame)) % 2)
    frame["org"] = [f"o{c}" for c in org]
    result = logistic_regression(frame, "y", {"role": "F", "eth": "W"}, cluster="org")
    assert "over 30 clusters (2 of 32 hold only separated cells)" in result.method
    assert "t(29)" in result.method.replace(" ", "")
