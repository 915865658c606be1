"""Loading and validating a survey export: clear errors and a complete row account."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_survey_cells

from evaluation.errors import InputError
from evaluation.io.survey import load_survey


def _write(cells: pd.DataFrame, path):
    cells.to_csv(path, index=False)
    return path


def test_valid_file_loads_to_the_tidy_frame(survey_csv, instrument):
    loaded = load_survey(survey_csv)
    frame = loaded.frame
    assert len(frame) == 30
    assert list(frame.columns[: len(instrument.names)]) == instrument.names
    assert frame["role_level"].cat.ordered
    assert str(frame["barrier_competing_priorities"].dtype) == "boolean"
    assert {"ethnicity_5", "ethnicity_group", "band_group"} <= set(frame.columns)
    assert (loaded.account["status"] == "analysed").all()


def test_misspelt_column_names_the_column_and_the_misspelling(tmp_path, instrument):
    cells = make_survey_cells(instrument).rename(columns={"arf_aware": "arf_awre"})
    with pytest.raises(InputError) as err:
        load_survey(_write(cells, tmp_path / "s.csv"))
    text = str(err.value)
    assert "s.csv" in text and "'arf_aware'" in text and "arf_awre" in text


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("confident_to_report", "Quite agree", "not allowed"),
        ("ethnic_group", "Martian", "not allowed"),
        ("barrier_low_awareness", "2", "expected 1 (selected)"),
        ("wave", "1899", "from 2020 to 2100"),
    ],
)
def test_bad_value_names_file_row_column_and_value(tmp_path, instrument, column, value, fragment):
    cells = make_survey_cells(instrument)
    cells.loc[4, column] = value
    with pytest.raises(InputError) as err:
        load_survey(_write(cells, tmp_path / "bad.csv"))
    (problem,) = err.value.problems
    assert (problem.file.endswith("bad.csv"), problem.row, problem.column) == (True, 6, column)
    assert fragment in problem.message and value in str(problem)


def test_duplicate_respondent_id_points_to_first_occurrence(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[9, "respondent_id"] = cells.loc[2, "respondent_id"]
    with pytest.raises(InputError) as err:
        load_survey(_write(cells, tmp_path / "dup.csv"))
    (problem,) = err.value.problems
    assert problem.row == 11 and "first seen at row 4" in problem.message


def test_exclude_mode_accounts_for_every_row(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[1, "arf_aware"] = "Perhaps"
    substantive = [n for n in instrument.names if n not in {
        "respondent_id", "wave", "org_code", "org_name", "icb", "org_type"}]  # fmt: skip
    cells.loc[2, substantive] = ""
    loaded = load_survey(_write(cells, tmp_path / "s.csv"), on_error="exclude")
    account = loaded.account
    assert len(account) == len(cells)
    assert len(loaded.frame) == (account["status"] == "analysed").sum() == len(cells) - 2
    reasons = dict(zip(account["source_row"], account["reason"], strict=True))
    assert reasons[3] == "invalid arf_aware" and reasons[4].startswith("blank response")
    summary = loaded.summary()
    assert summary.loc[summary["status"] == "read", "rows"].item() == len(cells)


def test_partial_answers_are_kept_as_missing(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[0, ["arf_aware", "confident_to_report"]] = ["", "N/A"]
    loaded = load_survey(_write(cells, tmp_path / "s.csv"))
    assert len(loaded.frame) == len(cells)
    assert loaded.frame.loc[0, ["arf_aware", "confident_to_report"]].isna().all()


def test_case_and_spacing_differences_are_normalised_with_a_warning(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[0, "confident_to_report"] = "  strongly   AGREE "
    loaded = load_survey(_write(cells, tmp_path / "s.csv"))
    assert loaded.frame.loc[0, "confident_to_report"] == "Strongly agree"
    assert any("normalised" in p.message for p in loaded.warnings)


def test_organisation_columns_must_agree(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[0, "org_code"] = "RBS"
    cells.loc[0, "icb"] = "NHS Greater Manchester ICB"
    cells.loc[0, "org_name"] = "Alder Hey Children's NHS Foundation Trust"
    cells.loc[0, "org_type"] = "specialist"
    with pytest.raises(InputError, match="does not match org_code 'RBS'"):
        load_survey(_write(cells, tmp_path / "s.csv"))


def test_answers_outside_skip_logic_are_warnings_not_errors(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[0, ["experienced_racism_12m", "witnessed_racism_12m", "reported_it"]] = [
        "No", "No", "Yes"]  # fmt: skip
    loaded = load_survey(_write(cells, tmp_path / "s.csv"))
    assert any(p.column == "reported_it" and p.row == 2 for p in loaded.warnings)


def test_missing_and_unsupported_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_survey(tmp_path / "nope.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InputError, match="unsupported file type"):
        load_survey(tmp_path / "x.json")


def test_header_only_file_is_refused(tmp_path, instrument):
    path = tmp_path / "empty.csv"
    path.write_text(",".join(instrument.names) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="no respondents"):
        load_survey(path)


def test_windows_1252_is_read_with_a_warning_naming_the_encoding(tmp_path, instrument):
    cells = make_survey_cells(instrument)
    cells.loc[0, "comment_other"] = "Café culture – “quotes”"
    path = tmp_path / "cp1252.csv"
    cells.to_csv(path, index=False, encoding="cp1252")
    loaded = load_survey(path)
    assert loaded.frame.loc[0, "comment_other"] == "Café culture – “quotes”"
    assert any("1252" in p.message for p in loaded.warnings)
