"""Packs on a Dask LocalCluster equal packs built locally; a failing pack does not stop the others.

The cluster is started by the test (one in-process worker with one thread, so the test stays
small on a shared machine); the packs run the first report notebook only. The local packs are
built with :func:`run_report` on the same config, the reference this module must reproduce.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.analyses.units import pack_units
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.pipeline.run import report_notebooks, run_report

distributed = pytest.importorskip("distributed")

BUNDLED = SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml"


def _config(tmp_path: Path) -> Path:
    bundled = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    wave = BUNDLED.parent
    frame = pd.read_csv(wave / "survey.csv", usecols=["org_code", "org_name"], dtype=str)
    counts = pack_units(frame, "org", 0)["respondents"].sort_values(ascending=False)
    settings = {
        **bundled,
        "survey": str(wave / "survey.csv"),
        "focus_group": str(wave / "focus_group"),
        "codebook": str((wave / bundled["codebook"]).resolve()),
        "margins": str((wave / bundled["margins"]).resolve()),
        "public_outcomes": str((wave / bundled["public_outcomes"]).resolve()),
        "arf_status": str((wave / bundled["arf_status"]).resolve()),
        "output": str(tmp_path / "reports"),
        "pack_min_respondents": int(counts.iloc[1]),  # the two largest organisations (or ties)
    }
    path = tmp_path / "evaluation.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for sub in ("tables", "figures")
        for p in sorted((folder / sub).rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_packs_on_a_local_cluster_equal_local_packs(tmp_path):
    from evaluation.pipeline.distributed import run_packs_distributed

    config = load_config(_config(tmp_path))
    notebooks = report_notebooks()[:1]
    eligible = pack_units(
        pd.read_csv(config.survey, usecols=["org_code", "org_name"], dtype=str),
        "org",
        config.pack_min_respondents,
    )
    units = eligible.loc[eligible["gets_pack"], "unit"].tolist()[:2]  # ties may give more
    assert len(units) == 2
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        summary = run_packs_distributed(
            config, "org", client, units=[*units, "NO-SUCH-ORG"], notebooks=notebooks,
            progress=False,
        )  # fmt: skip
    assert sorted(summary.built) == sorted(units)
    assert list(summary.failed) == ["NO-SUCH-ORG"]
    assert "no org 'NO-SUCH-ORG' among the wave's respondents" in summary.failed["NO-SUCH-ORG"]
    for unit in units:
        local = run_report(
            config, "org", unit, notebooks=notebooks, progress=False, notebook_workers=1,
            output_dir=tmp_path / "local" / unit,
        )  # fmt: skip
        mine, reference = _files(summary.built[unit]), _files(local.output_dir)
        assert mine and mine.keys() == reference.keys()
        for name in reference:
            assert mine[name] == reference[name], f"{unit}: {name} differs"
