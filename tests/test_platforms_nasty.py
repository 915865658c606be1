"""A corpus of nasty inputs (tests/data/nasty/): each gives an InputError that says what is wrong
and where, or a valid result; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.errors import InputError
from evaluation.io.platforms import read_platform_table
from evaluation.io.survey import load_survey

NASTY = Path(__file__).parent / "data" / "nasty"


@pytest.mark.parametrize(
    ("name", "row", "fragment"),
    [
        ("empty.csv", None, "the file is empty"),
        ("blank_lines.csv", None, "the file is empty"),
        ("duplicated_columns.csv", 1, "column appears more than once"),
        ("merged_header.xlsx", 1, "merged cells"),
        ("semicolon.csv", 1, "uses ';' as its delimiter"),
        ("mixed_encoding.csv", None, "mixes encodings: line 3 is not UTF-8, but line 2"),
        ("unbalanced_quote.csv", 2, "a quote is unbalanced"),
        ("ragged_rows.csv", 2, "4 cells but the header has 2"),
        ("not_a_spreadsheet.xlsx", None, "not a readable .xlsx workbook"),
    ],
)
def test_nasty_file_gives_a_useful_input_error(name, row, fragment):
    with pytest.raises(InputError) as err:
        load_survey(NASTY / name)
    [problem] = err.value.problems
    assert problem.file == str(NASTY / name)
    assert problem.row == row
    assert fragment in problem.message


def test_header_only_file_is_refused_with_a_clear_message():
    with pytest.raises(InputError, match="header but no respondents"):
        load_survey(NASTY / "header_only.csv")


def test_semicolon_file_is_read_when_the_delimiter_is_detected():
    table = read_platform_table(NASTY / "semicolon.csv", "csv")
    assert "respondent_id" in table.cells.columns and len(table.cells) == 3
    assert table.problems[0].severity == "warning"


@pytest.mark.parametrize(
    "data",
    [b"a" * 2_000_000, b"respondent_id,comment\nT-1," + b"x" * 2_000_000 + b"\n"],
    ids=["one long header line", "one huge cell"],
)
def test_very_long_single_line(tmp_path, data):
    path = tmp_path / "long.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match="longer than any survey answer"):
        load_survey(path)


def test_overlong_utf8_bytes_are_an_input_error(tmp_path):
    # found by hypothesis: b"\xe0\x80\x80" looks like a UTF-8 sequence but is an overlong form
    path = tmp_path / "overlong.csv"
    path.write_bytes(b"\xe0\x80\x80")
    with pytest.raises(InputError, match="mixes encodings"):
        read_platform_table(path, "qualtrics")
