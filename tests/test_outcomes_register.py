"""The ARF status register (issue 12): its checks, the survey-year rule, and the committed file
built from the public evidence."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import InputError
from evaluation.outcomes.register import first_survey_year, read_register, register_from_evidence
from evaluation.paths import SURVEY_DATA

SHARED = Path(os.environ.get("ARF_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
EVIDENCE = SHARED / "public_outcomes" / "nw_arf_bronze_public_evidence.csv"


def _write(tmp_path, rows: list[str]) -> Path:
    path = tmp_path / "arf_status.csv"
    path.write_text("ods_code,level,awarded_on,evidence\n" + "\n".join(rows) + "\n")
    return path


def test_award_counts_from_the_next_survey_when_made_during_or_after_fieldwork():
    years = first_survey_year(
        pd.Series(pd.to_datetime(["2024-12-05", "2024-03-01", "2024-09-01", "2024-08-31", None]))
    )
    assert years.tolist()[:4] == [2025, 2024, 2025, 2024]
    assert years.isna().tolist()[4]


def test_register_problems_name_row_and_column(tmp_path):
    path = _write(
        tmp_path,
        [
            "RW5,Bronze,05/12/2024,x",
            "RBL,Platinum,,x",
            "RX7,Committed but not yet awarded,2024-01-01,x",
            "RW5,Bronze,,x",
        ],
    )
    with pytest.raises(InputError) as err:
        read_register(path)
    problems = {(p.row, p.column) for p in err.value.problems}
    assert problems == {(2, "awarded_on"), (3, "level"), (4, "awarded_on"), (5, "ods_code")}
    with pytest.raises(InputError, match="required column"):
        (tmp_path / "bad.csv").write_text("code,level\nRW5,Bronze\n")
        read_register(tmp_path / "bad.csv")


def test_the_committed_register():
    register = read_register(SURVEY_DATA / "arf_status.csv")
    bronze = register[register["level"] == "Bronze"]
    assert set(bronze["ods_code"]) == {"RBN", "RBL", "RM3", "RWJ", "RMP", "RT2", "RW5"}
    dated = register.dropna(subset=["awarded_on"])
    # only one date is firm in the public evidence; guesses are never entered
    assert dated["ods_code"].tolist() == ["RW5"]
    assert dated["first_year"].tolist() == [2025]
    synthetic = read_register(SURVEY_DATA / "synthetic" / "2025" / "arf_status.csv")
    assert set(synthetic.loc[synthetic["level"] == "Bronze", "ods_code"]) == set(bronze["ods_code"])


@pytest.mark.skipif(
    not EVIDENCE.exists(), reason="../shared/public_outcomes is not beside this clone"
)
def test_the_committed_register_is_what_the_public_evidence_gives(tmp_path):
    built = register_from_evidence(EVIDENCE, SURVEY_DATA / "organisations.csv")
    committed = pd.read_csv(SURVEY_DATA / "arf_status.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(built.astype(str), committed.astype(str))
