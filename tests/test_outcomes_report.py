"""Notebook 08 end to end (issue 12): the region report's outcomes section on the bundled wave's
synthetic panel, on the real public files (when ../shared is there), and its absence when the
config names no public outcomes. Only notebook 08 is run, to keep the cost down."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.audit import audit_report
from evaluation.paths import NOTEBOOKS, SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.pipeline.run import ensure_kernel, execute_notebook, run_report

pytestmark = pytest.mark.slow
SHARED = Path(os.environ.get("ARF_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
REAL = SHARED / "public_outcomes"
WAVE = SURVEY_DATA / "synthetic" / "2025"
BOOK = [NOTEBOOKS / "08_outcomes.ipynb"]
FAST = {"outcome_permutations": 9}


def _run(config_path: Path, out: Path):
    return run_report(
        load_config(config_path),
        notebooks=BOOK,
        progress=False,
        output_dir=out,
        extra_parameters=FAST,
        notebook_workers=1,
    )


def _tables(report: Path) -> dict:
    return json.loads((report / "tables" / "index.json").read_text())


def test_bundled_wave_shows_the_section_on_the_synthetic_panel(tmp_path):
    report = _run(WAVE / "evaluation.yaml", tmp_path / "report").output_dir
    index = _tables(report)
    for name in (
        "outcomes_files",
        "outcomes_scorecard",
        "outcomes_comparison",
        "outcomes_did",
        "outcomes_event_study",
        "outcomes_relative_likelihood",
        "outcomes_belief_vs_register",
        "outcomes_awareness_by_register",
    ):
        assert name in index and (report / "tables" / f"{name}.csv").exists(), name
    did = pd.read_csv(report / "tables" / "outcomes_did.csv")
    assert did.iloc[0]["usable_cohort_orgs"] == 7 and did.iloc[0]["planted_att"] < 0
    html = (report / "report.html").read_text()
    assert "Outcomes in public data" in html and "randomisation p =" in html
    assert audit_report(report) == []


def test_without_public_outcomes_the_section_is_a_note(tmp_path):
    raw = yaml.safe_load((WAVE / "evaluation.yaml").read_text())
    raw.pop("public_outcomes"), raw.pop("arf_status")
    for key in ("survey", "focus_group", "codebook", "margins"):
        raw[key] = str(WAVE / raw[key])
    config = tmp_path / "evaluation.yaml"
    config.write_text(yaml.safe_dump(raw))
    ensure_kernel()
    # notebook 08 alone publishes nothing here, so it is run on its own, as by hand (a report
    # needs tables): it writes to scratch/ beside the config, and nothing there either
    execute_notebook(BOOK[0], tmp_path / "08.ipynb", {"config": str(config)} | FAST)
    assert not (tmp_path / "scratch" / "region" / "tables").exists()
    assert "names no `public_outcomes:` folder" in (tmp_path / "08.ipynb").read_text()


@pytest.mark.skipif(
    not (REAL / "nss_org_2021_2024_ebmgt.csv").exists(),
    reason="../shared/public_outcomes is not beside this clone",
)
def test_real_public_outcomes_too_early_and_too_few(tmp_path):
    raw = yaml.safe_load((WAVE / "evaluation.yaml").read_text())
    for key in ("survey", "focus_group", "codebook", "margins"):
        raw[key] = str(WAVE / raw[key])
    raw["public_outcomes"], raw["arf_status"] = str(REAL), str(SURVEY_DATA / "arf_status.csv")
    config = tmp_path / "evaluation.yaml"
    config.write_text(yaml.safe_dump(raw))
    report = _run(config, tmp_path / "report").output_dir
    card = pd.read_csv(report / "tables" / "outcomes_scorecard.csv")
    assert {"RW5", "RBL", "RM3"} <= set(card["ods_code"])
    assert (card.loc[card["ods_code"] == "RW5", "year"] == 2024).all()
    did = pd.read_csv(report / "tables" / "outcomes_did.csv")
    assert did.iloc[0]["usable_cohort_orgs"] == 0 and did.iloc[0]["dated_awards"] == 1
    assert not (report / "tables" / "outcomes_event_study.csv").exists()
    assert "Too early and too few to tell" in (report / "report.html").read_text()
    assert audit_report(report) == []
