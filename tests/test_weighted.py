"""Raking to workforce margins corrects planted non-response bias, and stays suppressed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.analyses.headlines import headline_estimates
from evaluation.analyses.weighted import raking_diagnostics, weighted_headline_indicators
from evaluation.disclosure import audit_table
from evaluation.io.survey import load_survey
from evaluation.paths import SURVEY_DATA
from evaluation.synth import generate_survey
from evaluation.synth.wave import write_survey_csv


def _shares(values: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.astype(str).value_counts(normalize=True).items()}


def test_raking_removes_planted_nonresponse_bias(tmp_path):
    write_survey_csv(
        generate_survey(2025, 20_000, seed=5, with_text=False).frame, tmp_path / "s.csv"
    )
    workforce = load_survey(tmp_path / "s.csv").frame
    rng = np.random.default_rng(0)
    senior = workforce["band_group"].astype(str) == "Band 8a to VSM"
    keep = ~senior | (rng.random(len(workforce)) < 0.25)  # senior staff answer far less often
    respondents = workforce[keep].reset_index(drop=True)
    margins = {v: _shares(workforce[v]) for v in ("band_group", "ethnicity_group")}

    truth = headline_estimates(workforce).set_index("indicator").loc["aware_all", "pct"]
    table = weighted_headline_indicators(respondents, margins).set_index("indicator")
    row = table.loc["aware_all"]
    assert abs(row["pct"] - truth) > 2.0  # the planted bias is real
    assert abs(row["pct_weighted"] - truth) < abs(row["pct"] - truth) / 3
    assert row["ci_low"] <= truth <= row["ci_high"]
    assert row["n_eff"] < row["n"]  # weighting costs precision

    diagnostics = raking_diagnostics(respondents, margins)
    assert diagnostics["converged"].all()
    assert np.allclose(diagnostics["weighted_pct"], diagnostics["target_pct"], atol=0.05)
    assert "sample_pct" not in diagnostics  # would give back suppressed counts


def test_weighted_table_hides_weighted_shares_of_small_cells():
    frame = load_survey(SURVEY_DATA / "synthetic" / "2025").frame
    margins = {v: _shares(frame[v]) for v in ("band_group", "ethnicity_group")}
    table = weighted_headline_indicators(frame, margins)
    hidden = table["n_positive"] == "[c]"
    assert hidden.any()
    assert (
        (table.loc[hidden, ["pct", "pct_weighted", "ci_low", "ci_high", "n_eff"]] == "[c]")
        .all()
        .all()
    )
    assert audit_table(table) == []
