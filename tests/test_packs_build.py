"""`arf-eval run --scope org|icb` builds a pack for every eligible unit of the bundled wave, each
naming its unit and showing it beside its comparators, and each passing the disclosure audit."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from evaluation.analyses.units import pack_units
from evaluation.audit import audit_report
from evaluation.io.wave import load_wave
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.pipeline.packs import run_packs

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("scope", ["org", "icb"])
def test_every_eligible_unit_gets_a_pack(tmp_path, scope):
    config = replace(
        load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"), output=tmp_path
    )
    units = pack_units(load_wave(config).frame, scope, config.pack_min_respondents)
    eligible = set(units.loc[units["gets_pack"], "unit"])
    assert eligible  # the bundled wave has units above the threshold at both levels
    summary = run_packs(config, scope, progress=False)
    assert summary.failed == {}
    assert set(summary.built) == eligible
    for unit, folder in summary.built.items():
        manifest = json.loads((folder / "manifest.json").read_text())
        name = units.loc[units["unit"] == unit, "name"].iloc[0]
        assert name in manifest["title"]
        assert manifest["parameters"]["scope_value"] == unit
        benchmark = pd.read_csv(folder / "tables" / "benchmark_headlines.csv", dtype=str)
        comparators = benchmark["comparator"].unique().tolist()
        assert comparators[0].startswith(name) and comparators[-1] == "North West region"
        assert len(comparators) == (4 if scope == "org" else 2)
        assert audit_report(folder, min_cell=config.min_cell) == []


def test_icb_packs_pass_the_whole_release_audit_beside_the_region(tmp_path):
    """Region + the three ICB packs + nothing else: the unit without a pack ("NHS England -
    North West", 11 respondents) is the region minus the packs; the set must still pass."""
    from evaluation.pipeline.run import run_report

    config = replace(
        load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"), output=tmp_path
    )
    run_report(config, "region", None, progress=False)
    summary = run_packs(config, "icb", progress=False)
    assert summary.failed == {}, summary.text()
    audit = summary.release_audit
    assert audit["exposed"] == 0
    assert audit["virtual_cells_checked"] > 0  # the unit without a pack was attacked
    assert audit["narrowest_interval"] >= 3
    assert len(summary.built) == 3
