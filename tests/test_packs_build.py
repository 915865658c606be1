"""`arf-eval run --scope org` builds a pack for every eligible unit of the bundled wave on its own
(no region or ICB pack published yet), naming its unit and showing it beside its comparators, and
passing the disclosure audit. The ICB packs, built after the region as the release runs, are
checked in tests/test_wave_release.py, which builds the whole wave once."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import check_pack

from evaluation.analyses.units import pack_units
from evaluation.io.wave import load_wave
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.pipeline.packs import run_packs

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("scope", ["org"])  # ICB packs: tests/test_wave_release.py
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
        check_pack(folder, manifest, unit, name, 4 if scope == "org" else 2, config.min_cell)
