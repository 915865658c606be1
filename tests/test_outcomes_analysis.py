"""The outcomes section's analyses on small hand-made panels whose answers are known (issue 12)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.disclosure import MARKER, audit_table
from evaluation.outcomes import analysis
from evaluation.outcomes.panel import OutcomesData, best_values, latest_organisations, read_folder
from evaluation.outcomes.register import read_register
from evaluation.paths import SURVEY_DATA
from evaluation.stats.proportions import wilson_interval

SHARED = Path(os.environ.get("ARF_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
REAL = SHARED / "public_outcomes"
GROUP = "Acute and Acute & Community Trusts"


def _outcomes(register: pd.DataFrame | None = None) -> analysis.Outcomes:
    """Four trusts whose White and Global Majority rates are 5% and 15% everywhere: only their
    ethnic-minority shares differ (and rise in the North West), so every adjusted rate is equal."""
    shares = {
        ("NW1", 2022): 10,
        ("NW1", 2023): 20,
        ("NW2", 2022): 12,
        ("NW2", 2023): 22,
        ("L1", 2022): 40,
        ("L1", 2023): 40,
        ("L2", 2022): 50,
        ("L2", 2023): 50,
    }
    rows, orgs = [], []
    for (code, year), share in shares.items():
        all_staff = 5 + share * 0.10
        base = 1000 if code != "L2" else np.nan
        pct = all_staff if code != "L2" or year == 2022 else np.nan
        rows += [
            (code, year, "q16b", "all", pct, 1000 if np.isfinite(pct) else np.nan),
            (code, year, "q16b", "White", 5.0, np.nan),
            (code, year, "q16b", "Global Majority", 15.0, np.nan),
            (code, year, "ethnic_minority_share", "all", float(share), 1000),
        ]
        del base
        orgs.append(
            (
                code,
                year,
                f"Trust {code}",
                GROUP,
                "North West" if code.startswith("NW") else "London",
                "",
            )
        )
    for year in (2022, 2023):
        rows += [
            ("ENG", year, "q16b", "White", 5.0, 5e5),
            ("ENG", year, "q16b", "Global Majority", 15.0, 2e5),
            ("ENG", year, "ethnic_minority_share", "all", 30.0, 7e5),
            ("ENG", year, "q16b", "all", 8.0, 7e5),
        ]
    panel = pd.DataFrame(rows, columns=["ods_code", "year", "indicator", "group", "pct", "base"])
    panel["org_name"], panel["source"] = "", "organisational workbook test.xlsx"
    organisations = pd.DataFrame(
        orgs, columns=["ods_code", "year", "org_name", "benchmark_group", "region", "ics"]
    )
    data = OutcomesData(panel, organisations, ["test.xlsx"])
    latest = latest_organisations(organisations)
    return analysis.Outcomes(data, best_values(panel), latest, register, ["NW1", "NW2"])


@pytest.mark.filterwarnings("ignore:Precision loss")
def test_adjustment_removes_composition():
    outcomes = _outcomes()
    assert analysis.reference_share(outcomes) == 30.0
    assert analysis.gap_by_year(outcomes, "q16b").tolist() == [10.0, 10.0]
    adjusted = analysis.adjusted_rates(outcomes, "q16b").dropna(subset=["pct"])
    # raw rates differ by share (6% to 10%); at a fixed 30% share all are 5 + 0.3 x 10 = 8%
    assert adjusted["pct"].max() - adjusted["pct"].min() > 3
    assert np.allclose(adjusted["pct_adjusted"], 8.0)
    table = analysis.comparison_over_time(outcomes, "q16b")
    nw = table[(table["group"] == "North West")]
    assert nw["mean_pct"].tolist() == [6.1, 7.1]  # the raw rate rises with composition alone
    assert nw["mean_adjusted"].tolist() == [8.0, 8.0]  # the adjusted one does not
    diff = table[table["group"].str.startswith("difference")]
    assert diff.iloc[0]["mean_adjusted"] == 0.0


def test_scorecard_interval_benchmark_and_unpublished():
    outcomes = _outcomes()
    card = analysis.scorecard(outcomes, ["NW1", "L2", "XX9"])
    row = card[(card["ods_code"] == "NW1") & (card["indicator"] == "q16b")].iloc[0]
    low, high = wilson_interval(0.07 * 1000, 1000)
    assert (
        row["pct"] == 7.0
        and row["ci_low"] == round(100 * low, 1)
        and row["ci_high"] == round(100 * high, 1)
    )
    assert row["benchmark_median"] == 7.2  # NW1 7.0, NW2 7.2, L1 9.0 in 2023 (L2 not published)
    assert row["england"] == 8.0 and row["first_year"] == 2022 and row["change_pp"] == 1.0
    assert row["relative_likelihood"] == 3.0
    unpublished = card[(card["ods_code"] == "L2") & (card["indicator"] == "q16b")].iloc[0]
    assert unpublished["status"] == analysis.NOT_PUBLISHED and pd.isna(unpublished["pct"])
    absent = card[(card["ods_code"] == "L2") & (card["indicator"] == "q15")].iloc[0]
    assert absent["status"] == analysis.NOT_HELD
    assert "XX9" not in set(card["ods_code"])
    assert audit_table(card) == []


def test_relative_likelihood_is_the_geometric_mean_ratio():
    table = analysis.relative_likelihood(_outcomes(), ("q16b",))
    assert set(table["rl_geometric_mean"]) == {3.0}


def _survey() -> pd.DataFrame:
    rows = (
        [("RW5", "Bronze", "Yes")] * 20
        + [("RW5", "Don't know", "No")] * 15
        + [("RW5", "Gold", "Yes")] * 2
        + [("RX7", "Committed but not yet awarded", "Yes")] * 25
        + [("RX7", "Don't know", "Not sure")] * 30
        + [("ZZZ", "Bronze", "Yes")] * 3
    )
    return pd.DataFrame(rows, columns=["org_code", "org_arf_status", "arf_aware"])


def test_survey_joined_to_the_register():
    register = read_register(SURVEY_DATA / "arf_status.csv")
    belief = analysis.belief_vs_register(_survey(), register)
    bronze = belief[belief["register_level"] == "Bronze"].set_index("believed_status")
    assert bronze.loc["Bronze", "count"] == 20 and bronze.loc["Bronze", "n"] == 37
    assert bronze.loc["Bronze", "matches_register"] == "yes"
    assert bronze.loc["Gold", "count"] == MARKER  # 2 respondents: suppressed
    assert audit_table(belief) == []
    aware = analysis.awareness_by_register(_survey(), register).set_index("register_level")
    assert aware.loc["Committed but not yet awarded", "pct_aware"] == round(100 * 25 / 55, 1)
    assert aware.loc["not in the register", "n"] == MARKER  # 3 respondents


def test_did_summary_says_too_early_when_no_award_precedes_a_survey_held():
    register = pd.DataFrame(
        {
            "ods_code": ["NW1"],
            "level": ["Bronze"],
            "awarded_on": pd.to_datetime(["2023-12-01"]),
            "evidence": ["x"],
        }
    )
    register["first_year"] = pd.array([2024], dtype="Int64")
    outcomes = _outcomes(register)
    # the rates here have no noise at all: the MDE draws need some organisations to vary
    best = outcomes.best
    rng = np.random.default_rng(0)
    noisy = best["indicator"].eq("q16b") & best["group"].eq("all")
    best.loc[noisy, "pct"] = best.loc[noisy, "pct"] + rng.normal(0, 0.5, noisy.sum())
    summary = analysis.did_summary(outcomes, "q16b", n_permutations=5, mde_draws=5)
    assert summary.result is None and summary.n_dated == 1 and summary.n_usable == 0
    text = " ".join(summary.sentences())
    assert "first survey after the award: 2024" in text and "Too early and too few to tell" in text
    table = summary.table()
    assert table.iloc[0]["usable_cohort_orgs"] == 0 and "mde1_pp" in table


@pytest.mark.skipif(
    not (REAL / "nss_org_2021_2024_ebmgt.csv").exists(),
    reason="../shared/public_outcomes is not beside this clone",
)
def test_real_headline_figures():
    outcomes = analysis.load_outcomes(REAL, SURVEY_DATA / "arf_status.csv")
    comparison = analysis.comparison_over_time(outcomes, "q16b")
    nw = comparison[(comparison["group"] == "North West") & (comparison["year"] == 2024)].iloc[0]
    rest = comparison[
        (comparison["group"] == "Rest of England") & (comparison["year"] == 2024)
    ].iloc[0]
    # the raw North West rate is lower partly because its staff are less diverse
    assert nw["mean_share"] < rest["mean_share"] - 5
    assert (rest["mean_pct"] - nw["mean_pct"]) > (rest["mean_adjusted"] - nw["mean_adjusted"])
    summary = analysis.did_summary(outcomes, "q16b", n_permutations=5, mde_draws=9)
    assert summary.result is None and summary.n_usable == 0 and summary.n_dated == 1
    assert any("Too early and too few to tell" in s for s in summary.sentences())
    for table in (
        comparison,
        analysis.scorecard(outcomes),
        analysis.relative_likelihood(outcomes),
        summary.table(),
    ):
        assert audit_table(table) == []


def test_the_bundled_synthetic_folder_is_generated_from_its_spec():
    data = read_folder(SURVEY_DATA / "synthetic" / "2025" / "public_outcomes")
    assert data.read == ["synthetic_public_outcomes.yaml"] and data.skipped == []
    register = read_register(SURVEY_DATA / "synthetic" / "2025" / "arf_status.csv")
    dated = register.dropna(subset=["first_year"])
    assert data.truth["cohorts"] == {r.ods_code: int(r.first_year) for r in dated.itertuples()}
    assert set(dated["ods_code"]) <= set(data.panel["ods_code"])
    assert data.years == list(range(2019, 2027))
    again = read_folder(SURVEY_DATA / "synthetic" / "2025" / "public_outcomes")
    pd.testing.assert_frame_equal(data.panel, again.panel)  # deterministic
