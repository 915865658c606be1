"""The report-folder audit finds small cells, recoverable suppressions, formulas and personal data
in the files as published, with the file, row and column of each."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.audit import audit_exit_code, audit_report
from evaluation.disclosure import suppress
from evaluation.safe_output import write_csv


def _agreement() -> pd.DataFrame:
    """Counts by group: the 3 in group A is primary, and A's 17 must go with it (n shown)."""
    return pd.DataFrame(
        {
            "group": ["A", "A", "A", "B", "B", "B"],
            "response": ["Agree", "Neither", "Disagree"] * 2,
            "n": [40, 40, 40, 90, 90, 90],
            "n_response": [3, 17, 20, 30, 30, 30],
            "pct": [7.5, 42.5, 50.0, 33.3, 33.3, 33.4],
        }
    )


@pytest.fixture
def report(tmp_path):
    tables = tmp_path / "region" / "tables"
    tables.mkdir(parents=True)
    write_csv(suppress(_agreement()), tables / "agreement.csv")
    return tmp_path


def test_a_suppressed_report_passes(report):
    assert audit_report(report) == []
    code, text = audit_exit_code(report)
    assert code == 0 and "1 published table(s)" in text


def test_small_cell_is_found_with_file_row_and_column(report):
    frame = pd.DataFrame({"group": ["A", "B"], "n": [50, 4], "n_yes": [20, 2]})
    write_csv(frame, report / "region" / "tables" / "small.csv")
    problems = audit_report(report)
    where = {(p.row, p.column) for p in problems if p.file.endswith("small.csv")}
    assert (3, "n") in where  # the second data row is row 3 of the CSV
    code, text = audit_exit_code(report)
    assert code == 1 and "small.csv" in text


def test_recoverable_suppression_is_found(report):
    frame = _agreement().astype({"n_response": object, "pct": object})
    frame.loc[0, ["n_response", "pct"]] = "[c]"  # only the 3 hidden: 40 - 17 - 20 gives it back
    write_csv(frame, report / "region" / "tables" / "leaky.csv")
    problems = [p for p in audit_report(report) if p.file.endswith("leaky.csv")]
    assert any("recoverable by subtraction" in p.message for p in problems)


def test_formula_and_personal_data_in_text_cells_are_found(report):
    frame = pd.DataFrame(
        {"quote": ['=HYPERLINK("http://x")', "email me at a.b@nhs.net"], "n": [30, 40]}
    )
    frame.to_csv(report / "region" / "tables" / "raw.csv", index=False)  # not through write_csv
    problems = [p for p in audit_report(report) if p.file.endswith("raw.csv")]
    messages = {(p.row, p.message.split(" (")[0]) for p in problems}
    assert (2, "would run as a formula when opened in Excel") in messages
    assert (3, "looks like personal data") in messages
    assert all("a.b@nhs.net" not in str(p) for p in problems)  # never repeated in the report


def test_folder_without_tables_and_missing_folder(tmp_path):
    assert "no published tables" in audit_report(tmp_path)[0].message
    assert audit_exit_code(tmp_path)[0] == 1
    code, text = audit_exit_code(tmp_path / "nope")
    assert code == 2 and "not found" in text
