"""export-themes then import-themes round-trips the synthetic wave's coding project."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.paths import SURVEY_DATA
from evaluation.text.refi_qda import import_qdpx

WAVE = SURVEY_DATA / "synthetic" / "2025"
KEY = ["source_id", "start", "end", "code_id", "coder"]


def test_export_then_import_keeps_every_segment_and_case(tmp_path):
    runner = CliRunner()
    exported = runner.invoke(app, ["export-themes", str(WAVE), "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    themes = tmp_path / "out"  # written into --out itself
    assert {p.name for p in themes.iterdir()} >= {
        "project.qdpx",
        "codebook.qdc",
        "coded_segments.csv",
    }

    imported = runner.invoke(
        app, ["import-themes", str(themes / "project.qdpx"), "--out", str(tmp_path / "back")]
    )
    assert imported.exit_code == 0, imported.output

    written = pd.read_csv(themes / "coded_segments.csv", dtype=str, keep_default_na=False)
    project = import_qdpx(themes / "project.qdpx")
    back = project.segments.astype(str)
    assert {"rules", "coder_a", "coder_b"} <= set(written["coder"])
    left = written[[*KEY, "text"]].sort_values(KEY).reset_index(drop=True)
    right = back[[*KEY, "text"]].sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)

    cases = project.cases.set_index("case_id").astype("string")
    participants = pd.read_csv(WAVE / "focus_group" / "participants.csv", dtype="string")
    for row in participants.itertuples(index=False):
        assert cases.loc[row.speaker_id, "role_level"] == row.role_level
        assert cases.loc[row.speaker_id, "ethnicity_group"] == row.ethnicity_group


def test_two_exports_are_byte_identical(tmp_path):
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(app, ["export-themes", str(WAVE), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    for file in ("project.qdpx", "codebook.qdc", "coded_segments.csv"):
        first = (tmp_path / "a" / file).read_bytes()
        assert first == (tmp_path / "b" / file).read_bytes(), file
