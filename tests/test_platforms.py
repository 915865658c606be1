"""Platform readers and column mappings: every problem names file, row, column and value; every
row is accounted for; personal data never gets past the read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import make_survey_cells

from evaluation.errors import InputError
from evaluation.io.mapping import load_export, load_mapping, read_export
from evaluation.io.platforms import decode_text, read_delimited, read_platform_table, read_xlsx
from evaluation.io.survey import read_survey_table


def _identity_mapping(instrument, **extra) -> dict:
    """A mapping for the plain layout (instrument names as headers) plus ``extra`` keys."""
    return {"columns": {n: n for n in instrument.names}} | extra


def _write_mapping(path: Path, mapping: dict) -> Path:
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


def _export(tmp_path: Path, instrument, n: int = 6, **columns) -> Path:
    cells = make_survey_cells(instrument, n=n, seed=3)
    for name, value in columns.items():
        cells[name] = value
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False)
    return path


# --- encodings -------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_is_silent():
    for data in ("a,b\nZoë,£\n".encode(), "a,b\nZoë,£\n".encode("utf-8-sig")):
        text, _, problems = decode_text(data, "f.csv")
        assert text.endswith("Zoë,£\n") and not text.startswith("\ufeff") and problems == []


def test_windows_1252_decodes_with_a_warning_naming_it():
    text, encoding, problems = decode_text("a\nCafé – £5’s\n".encode("cp1252"), "f.csv")
    assert text == "a\nCafé – £5’s\n" and encoding == "windows-1252"
    assert problems[0].severity == "warning" and "Windows-1252" in problems[0].message
    assert problems[0].value == "é–£’"


def test_mixed_encodings_are_an_error_naming_both_lines():
    data = "a\nZoë\n".encode() + "Café\n".encode("cp1252")
    with pytest.raises(InputError, match=r"mixes encodings: line 3 .* line 2"):
        decode_text(data, "f.csv")


@pytest.mark.parametrize(
    "data",
    [b"\x81\x8d\x8f\x90 not text", b"a,b\n\x00\x01\x02", bytes(range(256))],
)
def test_undecodable_or_binary_bytes_are_an_input_error(data):
    with pytest.raises(InputError, match=r"f\.csv"):
        decode_text(data, "f.csv")


def test_utf16_with_bom_is_read():
    text, encoding, _ = decode_text("a,b\n1,2\n".encode("utf-16"), "f.csv")
    assert text == "a,b\n1,2\n" and encoding == "utf-16"


# --- delimited and spreadsheet layout ----------------------------------------------------------


def test_quoted_line_breaks_survive_and_rows_are_records(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'id,text\r\n1,"first line\r\nsecond line"\r\n2,plain\r\n')
    cells = read_delimited(path).cells
    assert cells.loc[2, "text"] == "first line\nsecond line"
    assert list(cells.index) == [2, 3]  # row numbers as a spreadsheet shows them


def test_semicolon_file_is_refused_by_the_plain_reader_and_read_by_detection(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id;text\n1;a\n", encoding="utf-8")
    with pytest.raises(InputError, match="';' as its delimiter"):
        read_survey_table(path)
    table = read_delimited(path, delimiter=None)
    assert list(table.cells.columns) == ["id", "text"]
    assert "semicolons" in table.problems[0].message


def test_too_many_cells_names_the_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text\n1,a\n2,b,unquoted, comma\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_delimited(path)
    assert err.value.problems[0].row == 3 and "4 cells but the header has 2" in str(err.value)


def test_xlsx_numbers_dates_and_line_breaks(tmp_path):
    path = tmp_path / "t.xlsx"
    frame = pd.DataFrame(
        {
            "ID": [1, 2],
            "When": pd.to_datetime(["2025-03-01 10:00", "2025-03-02 00:00"]),
            "T": ["a\nb", None],
        }
    )
    frame.to_excel(path, index=False)
    cells = read_xlsx(path).cells
    assert cells.loc[2].tolist() == ["1", "2025-03-01 10:00:00", "a\nb"]
    assert cells.loc[3, "T"] == ""


def test_xlsx_merged_header_is_an_error(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Barriers", None])
    sheet.append(["1", "a", "b"])
    sheet.merge_cells("B1:C1")
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(InputError, match="merged cells"):
        read_xlsx(tmp_path / "m.xlsx")


def test_qualtrics_needs_its_import_id_row(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("Q1,Q2\nQuestion one,Question two\nnot json,x\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_platform_table(path, "qualtrics")
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "Q1", "not json")


# --- mappings ------------------------------------------------------------------------------------


def test_mapping_keeps_yes_and_numbers_as_text(tmp_path, instrument):
    path = tmp_path / "m.yaml"
    path.write_text(
        "columns: {" + ", ".join(f"{n}: {n}" for n in instrument.names) + "}\n"
        "answers: {Y: Yes, N: No}\n",
        encoding="utf-8",
    )
    assert load_mapping(path).answers == {"Y": "Yes", "N": "No"}


def test_mapping_file_mistakes_are_named(tmp_path, instrument):
    mapping = _identity_mapping(instrument, colums={})
    mapping["columns"].pop("gender")
    mapping["columns"]["gendr"] = "gender"
    with pytest.raises(InputError) as err:
        load_mapping(_write_mapping(tmp_path / "m.yaml", mapping))
    text = str(err.value)
    assert "m.yaml" in text
    assert "unknown key 'colums' (did you mean 'columns'?)" in text
    assert "'gendr' is not a variable of the instrument (did you mean 'gender'?)" in text
    assert "no source for the instrument variable 'gender'" in text


def test_unmapped_column_stops_the_read(tmp_path, instrument):
    path = _export(tmp_path, instrument, Phone="07700 900123")
    mapping = _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument))
    with pytest.raises(InputError) as err:
        read_export(path, mapping)
    [problem] = err.value.problems
    assert problem.column == "Phone" and "neither mapped nor dropped" in problem.message


def test_dropped_columns_are_gone_and_counted(tmp_path, instrument):
    emails = ["a@x.nhs.uk", "", "c@x.nhs.uk", "", "", "f@x.nhs.uk"]
    path = _export(tmp_path, instrument, Email=emails)
    mapping = _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument, drop=["Email"]))
    loaded = load_export(path, mapping)
    assert loaded.dropped.to_dict("records") == [{"column": "Email", "non_blank_cells": 3}]
    assert "Email" not in loaded.frame.columns
    assert not loaded.frame.astype(str).apply(lambda c: c.str.contains("@")).any().any()


def test_mapped_and_dropped_column_is_refused(tmp_path, instrument):
    path = _export(tmp_path, instrument)
    mapping = _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument, drop=["gender"]))
    with pytest.raises(InputError, match="listed under 'drop' but also mapped"):
        read_export(path, mapping)


def test_unknown_answer_names_file_row_column_value_and_expectation(tmp_path, instrument):
    cells = make_survey_cells(instrument, n=4, seed=3).rename(columns={"arf_aware": "Aware?"})
    cells.loc[2, "Aware?"] = "Unsure"
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False)
    mapping = _identity_mapping(instrument)
    mapping["columns"]["arf_aware"] = "Aware?"
    with pytest.raises(InputError) as err:
        load_export(path, _write_mapping(tmp_path / "m.yaml", mapping))
    [problem] = [p for p in err.value.problems if p.column == "Aware?"]
    assert (problem.file, problem.row, problem.value) == (str(path), 4, "Unsure")
    assert "'Yes', 'No', 'Not sure'" in problem.message and "'answers'" in problem.message
    # ... and the mapping's answers fix it, per variable
    mapping["columns"]["arf_aware"] = {"header": "Aware?", "answers": {"Unsure": "Not sure"}}
    loaded = load_export(path, _write_mapping(tmp_path / "m.yaml", mapping))
    assert loaded.frame.loc[2, "arf_aware"] == "Not sure"


def test_multi_select_cells_split_into_flags_and_unknown_options_are_named(tmp_path, instrument):
    flags = [v.name for v in instrument.of_type("flag")]
    cells = make_survey_cells(instrument, n=4, seed=3).drop(columns=flags)
    cells["Barriers"] = [
        "Competing priorities;Fear of repercussions;",
        "",
        "Time pressures",
        "Low awareness of the framework;Astrology",
    ]
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False)
    mapping = {"columns": {n: n for n in instrument.names if n not in flags}}
    mapping["multi_select"] = [
        {"column": "Barriers", "options": {"Time pressures": "Lack of time or resources"}}
    ]
    loaded = load_export(path, _write_mapping(tmp_path / "m.yaml", mapping), on_error="exclude")
    frame = loaded.frame.set_index("respondent_id")
    assert frame.loc["T-0000", "barrier_competing_priorities"]
    assert frame.loc["T-0000", "barrier_fear_of_repercussions"]
    assert not frame.loc["T-0000", "barrier_low_awareness"]
    assert frame.loc["T-0001", flags].isna().all()  # not answered stays missing
    assert frame.loc["T-0002", "barrier_lack_of_resources"]
    [problem] = [p for p in loaded.errors if p.column == "Barriers"]
    assert (problem.row, problem.value) == (5, "Astrology")
    account = loaded.account.set_index("source_row")
    assert list(account.index) == [2, 3, 4, 5]  # every input row accounted for
    assert account.loc[5, "status"] == "excluded" and "Astrology" not in account.loc[5, "reason"]
    assert "not an option" in account.loc[5, "reason"]


def test_option_containing_the_separator_is_not_cut(tmp_path, instrument):
    flags = [v.name for v in instrument.of_type("flag")]
    cells = make_survey_cells(instrument, n=1, seed=3).drop(columns=flags)
    cells["Barriers"] = ["Time, or resources,Competing priorities"]
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False)
    mapping = {"columns": {n: n for n in instrument.names if n not in flags}}
    mapping["multi_select"] = [
        {
            "column": "Barriers",
            "separator": ",",
            "options": {"Time, or resources": "Lack of time or resources"},
        }
    ]
    frame = load_export(path, _write_mapping(tmp_path / "m.yaml", mapping)).frame
    assert (
        frame.loc[0, "barrier_lack_of_resources"] and frame.loc[0, "barrier_competing_priorities"]
    )


def test_partial_answers_are_kept_and_validation_rows_are_accounted(tmp_path, instrument):
    cells = make_survey_cells(instrument, n=5, seed=3)
    cells.loc[1, "arf_understanding"] = ""
    cells.loc[3, "wave"] = "1999"
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False)
    mapping = _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument))
    loaded = load_export(path, mapping, on_error="exclude")
    assert len(loaded.frame) == 4 and loaded.frame["arf_understanding"].isna().sum() == 1
    assert loaded.account["status"].tolist() == ["analysed"] * 3 + ["excluded", "analysed"]
    with pytest.raises(InputError, match=r"row 5, column 'wave'"):
        load_export(path, mapping)


def test_windows_1252_warning_reaches_the_loaded_export(tmp_path, instrument):
    cells = make_survey_cells(instrument, n=3, seed=3)
    cells.loc[0, "comment_other"] = "Zoë’s team – fine"
    path = tmp_path / "export.csv"
    cells.to_csv(path, index=False, encoding="cp1252")
    loaded = load_export(path, _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument)))
    assert loaded.encoding == "windows-1252"
    assert any("Windows-1252" in p.message for p in loaded.warnings)
    assert loaded.frame.loc[0, "comment_other"] == "Zoë’s team – fine"


def test_header_only_export_is_an_error(tmp_path, instrument):
    path = tmp_path / "export.csv"
    path.write_text(",".join(instrument.names) + "\n", encoding="utf-8")
    mapping = _write_mapping(tmp_path / "m.yaml", _identity_mapping(instrument))
    with pytest.raises(InputError, match="no responses"):
        read_export(path, mapping)
