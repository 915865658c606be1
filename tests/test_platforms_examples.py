"""The committed example exports (Forms, Qualtrics, SmartSurvey, SPSS, encodings) all load to the
same tidy frame as the plain survey.csv they were made from: the mappings lose nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from evaluation.io.mapping import load_export
from evaluation.io.survey import load_survey, read_survey_table

EXPORTS = Path(__file__).parent / "data" / "exports"


def _generator():
    spec = importlib.util.spec_from_file_location("make_exports", EXPORTS / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plain() -> pd.DataFrame:
    return load_survey(EXPORTS / "survey.csv").frame


@pytest.mark.parametrize(
    ("export", "mapping", "fmt", "personal"),
    [
        ("forms.xlsx", "forms_mapping.yaml", "xlsx", {"Email", "Name"}),
        ("qualtrics.csv", "qualtrics_mapping.yaml", "qualtrics", {"RecipientEmail", "IPAddress"}),
        ("smartsurvey.csv", "smartsurvey_mapping.yaml", "smartsurvey", {"Email", "IP Address"}),
        ("spss.sav", "spss_mapping.yaml", "spss", set()),
    ],
)
def test_platform_export_loads_to_the_plain_frame(plain, export, mapping, fmt, personal):
    loaded = load_export(EXPORTS / export, EXPORTS / mapping)
    pd.testing.assert_frame_equal(loaded.frame, plain)
    assert loaded.format == fmt
    assert loaded.errors == []
    # Every data row is accounted for; the Qualtrics example's "Survey Preview" row is excluded
    # with its reason, never analysed.
    previews = loaded.account[loaded.account["status"] == "excluded"]
    assert len(loaded.account) == len(plain) + len(previews)
    if fmt == "qualtrics":
        assert previews["respondent_id"].tolist() == ["R_preview"]
        assert previews["reason"].str.contains("preview").all()
    else:
        assert previews.empty
    # Personal-data columns were dropped at read time and counted, not carried.
    dropped = loaded.dropped.set_index("column")["non_blank_cells"]
    assert personal <= set(dropped.index)
    assert (dropped <= len(loaded.account)).all() and (dropped >= len(plain)).all()
    assert not set(loaded.frame.columns) & set(dropped.index)


def test_free_text_keeps_line_breaks_and_accents(plain):
    text = " ".join(plain["comment_change"].dropna())
    assert "Zoë" in text and "\n" in text and "£200" in text and "“on the agenda”" in text


@pytest.mark.parametrize("name", ["survey_utf8_bom.csv", "survey_windows1252.csv"])
def test_encoding_variants_load_to_the_plain_frame(plain, name):
    pd.testing.assert_frame_equal(load_survey(EXPORTS / name).frame, plain)


def test_windows_1252_is_reported_not_guessed_silently():
    problems = read_survey_table(EXPORTS / "survey_windows1252.csv").attrs["problems"]
    assert len(problems) == 1 and problems[0].severity == "warning"
    assert "Windows-1252" in problems[0].message and "£" in problems[0].value
    assert read_survey_table(EXPORTS / "survey_utf8_bom.csv").attrs["problems"] == []


def test_committed_text_exports_match_their_generator(tmp_path):
    """The committed files are what make_exports.py writes now (binary ones are compared loaded)."""
    _generator().main(tmp_path)
    for path in sorted(EXPORTS.glob("*")):
        if path.suffix in {".csv", ".yaml"}:
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), (
                f"{path.name} is stale: run .venv/bin/python tests/data/exports/make_exports.py"
            )
    for export, mapping in [
        ("forms.xlsx", "forms_mapping.yaml"),
        ("spss.sav", "spss_mapping.yaml"),
    ]:
        fresh = load_export(tmp_path / export, tmp_path / mapping)
        pd.testing.assert_frame_equal(
            fresh.frame, load_export(EXPORTS / export, EXPORTS / mapping).frame
        )
