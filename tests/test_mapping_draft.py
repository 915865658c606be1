"""`arf-eval mapping draft` and `arf-eval import-survey`: from a platform export to the canonical
survey without writing Python. Each example export's drafted mapping, unedited, loads to exactly
the frame of the plain survey it was made from (matching by wording, not question numbers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.io.mapping import load_export
from evaluation.io.mapping_draft import draft_mapping
from evaluation.io.survey import load_survey

EXPORTS = Path(__file__).parent / "data" / "exports"
FORMATS = {"qualtrics.csv": "qualtrics", "forms.xlsx": "auto", "smartsurvey.csv": "smartsurvey",
           "spss.sav": "auto"}  # fmt: skip


@pytest.fixture(scope="module")
def plain() -> pd.DataFrame:
    return load_survey(EXPORTS / "survey.csv").frame


@pytest.mark.parametrize("export", sorted(FORMATS))
def test_a_drafted_mapping_reads_the_export_exactly(tmp_path, plain, export):
    out = tmp_path / "mapping.yaml"
    args = ["mapping", "draft", str(EXPORTS / export), "--out", str(out), "--wave", "2025"]
    result = CliRunner().invoke(app, [*args, "--format", FORMATS[export]])
    assert result.exit_code == 0, result.output
    assert "CONFIRM" in out.read_text(encoding="utf-8")
    loaded = load_export(EXPORTS / export, out)
    pd.testing.assert_frame_equal(loaded.frame, plain)


def test_platform_columns_with_personal_data_are_dropped():
    draft = draft_mapping(EXPORTS / "qualtrics.csv", "qualtrics", 2025)
    assert {"RecipientEmail", "IPAddress"} <= set(draft.mapping["drop"])
    assert draft.mapping["columns"]["respondent_id"] == "ResponseId"


def test_what_cannot_be_matched_is_marked_and_left_out(tmp_path):
    frame = pd.read_csv(EXPORTS / "survey.csv", dtype=str, keep_default_na=False)
    frame["Favourite biscuit"] = "custard cream"
    frame = frame.drop(columns=["arf_aware"])
    frame.to_csv(tmp_path / "export.csv", index=False)
    draft = draft_mapping(tmp_path / "export.csv", "csv")
    assert draft.unmatched_columns == ["Favourite biscuit"]
    assert "arf_aware" in draft.unmatched_variables
    text = draft.yaml("export.csv")
    assert "NOT MATCHED column 'Favourite biscuit'" in text
    assert "Favourite biscuit" not in draft.mapping["drop"]  # a person decides, not the draft


def test_draft_does_not_overwrite_a_mapping(tmp_path):
    out = tmp_path / "mapping.yaml"
    out.write_text("keep me")
    result = CliRunner().invoke(
        app, ["mapping", "draft", str(EXPORTS / "forms.xlsx"), "--out", str(out)]
    )
    assert result.exit_code == 2 and out.read_text() == "keep me"


def test_import_survey_writes_the_canonical_csv(tmp_path, plain):
    out = tmp_path / "survey.csv"
    result = CliRunner().invoke(
        app,
        [
            "import-survey",
            str(EXPORTS / "qualtrics.csv"),
            "--mapping",
            str(EXPORTS / "qualtrics_mapping.yaml"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "40 of 41 export rows" in result.output and "preview" in result.output
    pd.testing.assert_frame_equal(load_survey(out).frame, plain)
