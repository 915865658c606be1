"""Safe outputs: no spreadsheet formulas, Excel-friendly UTF-8, names that stay in their folder."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from evaluation.safe_output import neutralise_formulas, safe_filename, safe_path, write_csv


def test_formula_text_is_neutralised_and_numbers_are_not():
    frame = pd.DataFrame(
        {
            "group": ["=1+1", "+44 161", "-foo", "@SUM(A1)", "\t=cmd", "\r=x", "plain", "-0.25"],
            "diff": [-0.25, 1.0, -3.0, 0.0, 2.5, -1e-5, 3.0, 4.0],
            "n": [20, 30, 40, 50, 60, 70, 80, 90],
        }
    )
    out = neutralise_formulas(frame)
    assert out["group"].tolist() == [
        "'=1+1",
        "'+44 161",
        "'-foo",
        "'@SUM(A1)",
        "'\t=cmd",
        "'\r=x",
        "plain",
        "-0.25",  # text that is exactly a number: Excel reads a number, not a formula
    ]
    pd.testing.assert_series_equal(out["diff"], frame["diff"])
    assert frame.loc[0, "group"] == "=1+1"  # the input is not modified


def test_categorical_cells_and_column_names_are_neutralised():
    frame = pd.DataFrame({"=bad": pd.Categorical(["=a", "b"]), "marker": ["[c]", 12]})
    out = neutralise_formulas(frame)
    assert list(out.columns) == ["'=bad", "marker"]
    assert out["'=bad"].tolist() == ["'=a", "b"]
    assert out["marker"].tolist() == ["[c]", 12]


def test_write_csv_is_utf8_with_bom_lf_and_round_trips(tmp_path):
    frame = pd.DataFrame(
        {"org": ["Zoë’s – Trust", '=HYPERLINK("x")'], "pct": [12.5, -0.1], "ci": [None, 0.3]}
    )
    path = write_csv(frame, tmp_path / "t.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    assert data.decode("utf-8-sig").splitlines()[1] == "Zoë’s – Trust,12.5,"
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["org"].tolist() == ["Zoë’s – Trust", '\'=HYPERLINK("x")']
    assert back["pct"].tolist() == [12.5, -0.1]
    assert write_csv(frame, tmp_path / "u.csv").read_bytes() == data  # deterministic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Wrightington, Wigan and Leigh NHS Foundation Trust",
            "Wrightington-Wigan-and-Leigh-NHS-Foundation-Trust",
        ),
        ("../../etc", "etc"),
        ("..", None),
        ("CON", "_CON"),
        ("aux.csv", "_aux.csv"),
        ("Zoë's table.csv", "Zoes-table.csv"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        (".hidden", "hidden"),
    ],
)
def test_safe_filename(name, expected):
    result = safe_filename(name)
    if expected is None:
        assert result.startswith("name-")
    else:
        assert result == expected


def test_safe_filename_is_portable_bounded_and_distinguishes_scripts():
    long = safe_filename("x" * 300 + ".csv")
    assert len(long) == 100 and long.endswith(".csv")
    a, b = safe_filename("北京"), safe_filename("上海")
    assert a != b and a.startswith("name-") and a == safe_filename("北京")


def test_safe_path_stays_inside_the_folder(tmp_path):
    assert safe_path(tmp_path, "../../etc", "passwd") == (tmp_path / "etc" / "passwd").resolve()
    assert safe_path(tmp_path, "NHS Trust", "t.csv").parent.parent == tmp_path.resolve()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_safe_path_refuses_a_link_out_of_the_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    report = tmp_path / "report"
    report.mkdir()
    (report / "evil").symlink_to(outside)
    with pytest.raises(ValueError, match="outside the output folder"):
        safe_path(report, "evil", "t.csv")
