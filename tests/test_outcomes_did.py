"""The staggered DiD against known answers (issue 12): a hand-computed 2x2 DiD, planted effects
on synthetic panels, interval coverage over repeated panels, and a placebo that must stay null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.outcomes import did, simulation
from evaluation.outcomes.synthetic import PLACEBO, dynamic_share, simulate_public_outcomes
from evaluation.paths import SURVEY_DATA


def _toy(n_treated=5, n_control=20, effect=2.0, seed=0, first=2022):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_treated + n_control):
        level = rng.normal(10, 2)
        for year in range(2019, 2025):
            treated = i < n_treated and year >= first
            rows.append(
                {
                    "ods_code": f"O{i:02d}",
                    "year": year,
                    "y": level + 0.5 * (year - 2019) + effect * treated + rng.normal(0, 1),
                }
            )
    return pd.DataFrame(rows), {f"O{i:02d}": first for i in range(n_treated)}


def test_single_cohort_equals_the_hand_computed_difference_in_differences():
    values, cohorts = _toy()
    result = did.estimate(did.did_frame(values, cohorts))
    wide = values.pivot(index="ods_code", columns="year", values="y")
    treated = wide.index.isin(list(cohorts))
    base = 2021  # the year before the first treated year (varying base period)
    by_year = [
        (wide.loc[treated, t] - wide.loc[treated, base]).mean()
        - (wide.loc[~treated, t] - wide.loc[~treated, base]).mean()
        for t in (2022, 2023, 2024)
    ]
    assert result.att == pytest.approx(np.mean(by_year), abs=1e-8)
    assert result.n_treated == 5 and result.n_control == 20 and result.cohorts == {2022: 5}


def test_did_frame_keeps_a_balanced_panel_and_usable_cohorts():
    values, cohorts = _toy()
    values = values[~((values["ods_code"] == "O10") & (values["year"] == 2020))]
    frame = did.did_frame(values, cohorts | {"O11": 2019, "O12": 2030})
    assert "O10" not in set(frame["ods_code"])  # a year missing: left out
    assert "O11" not in set(frame["ods_code"])  # treated from the first year: no pre-period
    assert frame.loc[frame["ods_code"] == "O12", "cohort"].isna().all()  # after the window: never


def test_randomisation_inference_and_mde():
    values, cohorts = _toy(effect=5.0)
    frame = did.did_frame(values, cohorts)
    result = did.randomisation_inference(frame, did.estimate(frame), n_permutations=39, seed=3)
    assert result.ri_p == pytest.approx(1 / 40)  # no re-assignment comes near a planted 5
    assert result.ri_ci_low < 5.0 < result.ri_ci_high
    null_values, null_cohorts = _toy(effect=0.0, seed=5)  # one null draw; rates: coverage tests
    null = did.did_frame(null_values, null_cohorts)
    null_result = did.randomisation_inference(null, did.estimate(null), n_permutations=39, seed=3)
    assert null_result.ri_p > 0.05
    few = did.minimum_detectable_effect(null_values, 1, 2022, n_draws=19, seed=1)
    many = did.minimum_detectable_effect(null_values, 10, 2022, n_draws=19, seed=1)
    assert many["mde"] < few["mde"]  # more treated organisations, smaller detectable effect
    assert few["mde"] == pytest.approx(did.MDE_FACTOR * few["se"])
    assert 1.0 < few["mde"] < 6.0  # noise SD 1: one treated unit, 3 pre and 3 post years


def _large_design():
    north_west = pd.DataFrame(
        {"ods_code": [f"NW{i:02d}" for i in range(40)], "org_name": "x", "org_type": "acute"}
    )
    cohorts = {f"NW{i:02d}": 2021 + i % 4 for i in range(40)}
    return north_west, cohorts


def test_planted_effect_is_recovered_and_the_placebo_is_null():
    north_west, cohorts = _large_design()
    synthetic = simulate_public_outcomes(
        seed=7,
        north_west=north_west,
        cohorts=cohorts,
        effects={"q16b": {"Global Majority": -4.0, "White": -1.0}},
    )
    panel = synthetic.panel
    truth = synthetic.truth["att_simple"]["q16b"]["Global Majority"]
    # half the effect in the first treated year: the truth is between -4 and -2
    assert -4.0 < truth < -2.0
    for indicator, expected in (("q16b", truth), (PLACEBO, 0.0)):
        values = panel[(panel["indicator"] == indicator) & (panel["group"] == "Global Majority")]
        result = did.estimate(did.did_frame(values.rename(columns={"pct": "y"}), cohorts))
        assert result.ci_low < expected < result.ci_high, (indicator, result.as_frame())
        assert abs(result.att - expected) < 1.5
    assert result.ci_low < 0 < result.ci_high  # the placebo's interval includes no effect


def test_synthetic_panel_is_realistic():
    north_west, cohorts = _large_design()
    s = simulate_public_outcomes(seed=1, north_west=north_west, cohorts=cohorts)
    p = s.panel
    share = p[p["indicator"] == "ethnic_minority_share"].groupby("year")["pct"].mean()
    assert share.is_monotonic_increasing and share.iloc[-1] - share.iloc[0] > 5  # drifting up
    assert p["year"].min() == 2019 and p["year"].max() == 2026
    assert p["ods_code"].nunique() > 200 and {"NW00", "NW39"} <= set(p["ods_code"])
    bases = p[(p["indicator"] == "q16b") & (p["group"] == "all")]["base"]
    assert 200 < bases.median() < 5000
    gm = p[(p["group"] == "Global Majority") & (p["indicator"] == "q16b")]
    assert gm.loc[gm["base"].isna(), "pct"].isna().all()  # small groups not published
    white = p[(p["group"] == "White") & (p["indicator"] == "q16b")]["pct"].mean()
    assert 1.8 < gm["pct"].mean() / white < 3.0  # Global Majority about twice the White rate
    assert dynamic_share(np.array([-1, 0, 1, 3])).tolist() == [0, 0.5, 1, 1]


def test_coverage_over_a_few_panels_with_the_bundled_register():
    """A small coverage check (the benchmark runs 200 panels): the randomisation interval covers
    the planted effect, and the placebo's, 0, in most panels."""
    north_west, cohorts = simulation.north_west_and_cohorts(
        SURVEY_DATA / "organisations.csv", SURVEY_DATA / "synthetic" / "2025" / "arf_status.csv"
    )
    results = simulation.coverage_study(4, north_west, cohorts, n_permutations=9, first_seed=50)
    summary = simulation.summarise(results).set_index("indicator")
    assert summary.loc["q16b", "coverage_ri"] >= 0.75
    assert summary.loc[PLACEBO, "coverage_ri"] >= 0.75
    assert summary.loc[PLACEBO, "truth"] == 0.0


@pytest.mark.slow
def test_coverage_over_repeated_panels():
    """Coverage of the planted effect by the randomisation interval over 40 panels (the
    benchmark script runs 200): within the binomial margin of 95%; the placebo is rarely
    rejected."""
    north_west, cohorts = simulation.north_west_and_cohorts(
        SURVEY_DATA / "organisations.csv", SURVEY_DATA / "synthetic" / "2025" / "arf_status.csv"
    )
    results = simulation.coverage_study(40, north_west, cohorts, n_permutations=19, first_seed=500)
    summary = simulation.summarise(results).set_index("indicator")
    assert summary.loc["q16b", "coverage_ri"] >= 0.85
    assert summary.loc[PLACEBO, "reject_ri_p"] <= 0.15
    assert abs(summary.loc["q16b", "bias"]) < 0.6
