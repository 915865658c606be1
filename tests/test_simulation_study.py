"""The simulation study script runs end to end on one small wave and tallies every figure family
(the figures themselves need hundreds of waves: ``python -m benchmarks.simulation_study``)."""

from __future__ import annotations

import json

from benchmarks.simulation_study import main


def test_one_small_wave_tallies_every_family(tmp_path, capsys) -> None:
    out = tmp_path / "figures.json"
    assert main(["--waves", "1", "--respondents", "400", "--seed", "3", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["waves"] == 1
    names = " | ".join(f["figure"] for f in data["figures"])
    for family in (
        "Wilson: awareness by role level",
        "Newcombe 95% (unadjusted)",
        "Newcombe Bonferroni-adjusted",
        "year-on-year test",
        "logistic model interval: every published term",
        "ordinal model interval: every published term",
        "chi-square test by role_level",
        "trend test by role_level",
        "real power",
        "weighted (raked, Kish) Wilson",
    ):
        assert family in names, family
    assert all(0 <= f["percent"] <= 100 and f["count"] > 0 for f in data["figures"])
    assert "simulation study: 1 waves of 400 respondents" in capsys.readouterr().out
