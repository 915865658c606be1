"""Small-sample remedies, checked against independent computations: the ordinal model's
cluster jackknife (CV3) against delete-one-cluster refits with its t(G - 1) reference, and the
raked share's linearisation variance against the textbook post-stratified variance, with the
finite population correction; planted non-response moved towards the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.stats import logistic_regression, ordinal_logit, rake
from evaluation.stats.weighting import raked_share


def _clustered_ordinal(seed: int = 3, n: int = 1500, clusters: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    org = rng.integers(0, clusters, n)
    shift = rng.normal(0, 0.3, clusters)
    x = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    latent = np.select([x == "b", x == "c"], [0.5, 1.0], 0.0) + shift[org] + rng.logistic(size=n)
    y = np.searchsorted([-1.0, 0.0, 1.5], latent)
    return pd.DataFrame(
        {
            "y": pd.Categorical.from_codes(y, list("pqrs"), ordered=True),
            "x": x,
            "org": org,
        }
    )


def _delete_one_cluster_errors(fit, frame: pd.DataFrame, outcome: str, full, kwargs) -> np.ndarray:
    """The exact delete-one-cluster jackknife standard errors: the model refitted with each
    organisation left out (the reference the linearised CV3 must match)."""
    estimates = full.coefficients["log_odds"].to_numpy()
    groups = sorted(frame["org"].unique())
    moves = np.array(
        [
            fit(frame[frame["org"] != g], outcome, {"x": "a"}, **kwargs)
            .coefficients["log_odds"]
            .to_numpy()
            - estimates
            for g in groups
        ]
    )
    return np.sqrt(np.diag((len(groups) - 1) / len(groups) * moves.T @ moves))


def test_ordinal_cluster_jackknife_matches_delete_one_cluster_refits() -> None:
    frame = _clustered_ordinal()
    kwargs = dict(test_proportional_odds=False, min_clusters=5, min_term_clusters=1)
    full = ordinal_logit(frame, "y", {"x": "a"}, cluster="org", **kwargs)
    groups = sorted(frame["org"].unique())
    exact = _delete_one_cluster_errors(ordinal_logit, frame, "y", full, kwargs)
    np.testing.assert_allclose(full.coefficients["std_error"], exact, rtol=0.02)
    # the t(G - 1) reference: interval half-width and p-value
    assert full.reference_df == len(groups) - 1
    row = full.coefficients.set_index("term").loc["x: c (ref. a)"]
    t = stats.t.ppf(0.975, len(groups) - 1)
    assert row["ci_high"] - row["log_odds"] == pytest.approx(t * row["std_error"])
    assert row["p_value"] == pytest.approx(
        2 * stats.t.sf(abs(row["log_odds"] / row["std_error"]), len(groups) - 1)
    )
    ci = full.conf_int().loc["x: c (ref. a)"]
    assert ci["lower"] == pytest.approx(row["ci_low"]) and "t(14)" in full.method
    # the classic sandwich is still there; with balanced clusters the two nearly agree
    cr1 = ordinal_logit(frame, "y", {"x": "a"}, cluster="org", cluster_variance="CR1", **kwargs)
    assert cr1.reference_df == len(groups) - 1 and "sandwich" in cr1.method
    np.testing.assert_allclose(
        cr1.coefficients["std_error"], full.coefficients["std_error"], rtol=0.1
    )
    assert not np.allclose(cr1.coefficients["std_error"], full.coefficients["std_error"], rtol=1e-4)
    with pytest.raises(ValueError, match="cluster_variance"):
        ordinal_logit(frame, "y", {"x": "a"}, cluster="org", cluster_variance="HC9", **kwargs)


def test_logistic_cluster_jackknife_matches_delete_one_cluster_refits() -> None:
    # the logistic model's default clustered error is the same CV3 with the same t(G - 1)
    frame = _clustered_ordinal()
    frame["high"] = frame["y"].isin(["r", "s"])
    # the Wald option: its interval is the error's (the default profile one is tested elsewhere)
    kwargs = dict(min_clusters=5, min_term_clusters=1, interval="wald")
    full = logistic_regression(frame, "high", {"x": "a"}, cluster="org", **kwargs)
    groups = sorted(frame["org"].unique())
    exact = _delete_one_cluster_errors(logistic_regression, frame, "high", full, kwargs)
    np.testing.assert_allclose(full.coefficients["std_error"], exact, rtol=0.02)
    assert full.reference_df == len(groups) - 1 and "CV3" in full.method
    row = full.coefficients.set_index("term").loc["x: c (ref. a)"]
    t = stats.t.ppf(0.975, len(groups) - 1)
    assert row["ci_high"] - row["log_odds"] == pytest.approx(t * row["std_error"])
    assert row["p_value"] == pytest.approx(
        2 * stats.t.sf(abs(row["log_odds"] / row["std_error"]), len(groups) - 1)
    )
    with pytest.raises(ValueError, match="cluster_variance"):
        logistic_regression(frame, "high", {"x": "a"}, cluster="org", cluster_variance="HC9")


def _stratified(seed: int = 4, n: int = 900) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    band = rng.choice(["low", "mid", "high"], n, p=[0.5, 0.3, 0.2])
    p = pd.Series(band).map({"low": 0.2, "mid": 0.5, "high": 0.8}).to_numpy()
    return pd.DataFrame({"band": band, "y": pd.array(rng.random(n) < p, dtype="boolean")})


def test_raked_share_variance_is_the_post_stratified_variance() -> None:
    frame = _stratified()
    shares = {"low": 0.3, "mid": 0.3, "high": 0.4}
    result = rake(frame, {"band": shares})
    everyone = pd.Series(True, index=frame.index)
    est = raked_share(frame["y"], everyone, frame, result)
    # textbook (raking on one variable is post-stratification): sum_h W_h^2 s_h^2 / n_h, with
    # the with-replacement factors n / (n - 1) and (n_h - 1) / n_h of the linearisation
    n = len(frame)
    by = frame.groupby("band")["y"]
    n_h, var_h = by.size(), by.var(ddof=1)
    W = pd.Series(shares)
    textbook = n / (n - 1) * float((W**2 * var_h * (n_h - 1) / n_h**2).sum())
    assert est["share"] == pytest.approx(float((W * by.mean()).sum()))
    assert est["variance"] == pytest.approx(textbook, rel=1e-9)
    # post-stratification on an outcome the strata explain beats Kish's effective size
    from evaluation.stats import kish_effective_n

    assert est["n_eff"] > kish_effective_n(result.weights)
    # finite population correction: a census has no sampling variance; a quarter answered:
    # each respondent's 1 - pi_i with pi_i = n / (N w_i)
    own = frame["band"].value_counts(normalize=True).to_dict()  # weights all 1
    census = raked_share(frame["y"], everyone, frame, rake(frame, {"band": own}), population_size=n)
    assert census["variance"] == pytest.approx(0.0, abs=1e-15)
    quarter = raked_share(frame["y"], everyone, frame, result, population_size=4 * n)
    assert 0.6 * est["variance"] < quarter["variance"] < 0.8 * est["variance"]


def test_raked_share_of_a_domain_and_unanswered() -> None:
    frame = _stratified()
    frame.loc[frame.index[:50], "y"] = pd.NA
    result = rake(frame, {"band": {"low": 0.3, "mid": 0.3, "high": 0.4}})
    domain = pd.Series(frame["band"] != "low", index=frame.index)
    est = raked_share(frame["y"], domain, frame, result)
    answered = domain & frame["y"].notna()
    w = result.weights[answered]
    assert est["share"] == pytest.approx(
        float((w * frame["y"][answered].astype(float)).sum() / w.sum())
    )
    assert 0 < est["variance"] < 0.25 / answered.sum() * 3


def test_planted_nonresponse_weighted_interval_covers_and_moves_towards_the_truth() -> None:
    from evaluation.analyses.headlines import headline_estimates
    from evaluation.analyses.weighted import weighted_headline_indicators
    from evaluation.synth.nonresponse import nonresponse_wave

    sample = nonresponse_wave(2025, 12000, seed=8)
    truth = headline_estimates(sample.workforce).set_index("indicator")["pct"]
    table = weighted_headline_indicators(
        sample.respondents, sample.margins, population_size=sample.population_size
    ).set_index("indicator")
    assert "finite population correction" in table.attrs["method"]
    biased = [
        i for i in ("aware_all", "confident_to_report") if abs(table.loc[i, "pct"] - truth[i]) > 2
    ]
    assert biased  # the planted non-response biases the unweighted shares
    for i in biased:
        row = table.loc[i]
        assert abs(row["pct_weighted"] - truth[i]) < abs(row["pct"] - truth[i]) / 2
        assert row["ci_low"] <= truth[i] <= row["ci_high"]
    # margins as head counts give the same correction without being told the size
    counts = {
        v: {k: s * sample.population_size for k, s in levels.items()}
        for v, levels in sample.margins.items()
    }
    from_counts = weighted_headline_indicators(sample.respondents, counts).set_index("indicator")
    assert "finite population correction" in from_counts.attrs["method"]
    without = weighted_headline_indicators(sample.respondents, sample.margins).set_index(
        "indicator"
    )
    assert "finite population correction" not in without.attrs["method"]
    shown = table["n_eff"] != "[c]"
    assert (
        table.loc[shown, "n_eff"].astype(float) >= without.loc[shown, "n_eff"].astype(float)
    ).all()
