"""Readers of the public NHS Staff Survey files (issue 12): fixtures in the official layouts, and
the real files of ../shared/public_outcomes when they are there.

The fixtures (tests/data/outcomes/folder, written by make_fixtures.py) number their questions as
no real year does (harassment Q13, discrimination Q17): the readers must match by wording.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.errors import InputError
from evaluation.outcomes import readers
from evaluation.outcomes.indicators import match_indicator, question_wording
from evaluation.outcomes.panel import best_values, read_folder

FOLDER = Path(__file__).parent / "data" / "outcomes" / "folder"
ORG_BOOK = FOLDER / "NSS23_detailed_spreadsheets_organisational_results.xlsx"
NATIONAL_BOOK = FOLDER / "NSS23_detailed_spreadsheets_national_results.xlsx"
# ../shared beside the clone (ARF_SHARED overrides it, e.g. for a git worktree elsewhere)
SHARED = Path(os.environ.get("ARF_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
REAL = SHARED / "public_outcomes"
NW_LIST = SHARED / "reference" / "nw_organisations.csv"
needs_real = pytest.mark.skipif(
    not (REAL / "NSS24_detailed_spreadsheets_organisational_results.xlsx").exists(),
    reason="../shared/public_outcomes (the real NHS Staff Survey files) is not beside this clone",
)


def _value(panel, code, indicator, group="all", year=2023, source="organisational"):
    rows = panel[
        (panel["ods_code"] == code)
        & (panel["indicator"] == indicator)
        & (panel["group"] == group)
        & (panel["year"] == year)
        & panel["source"].str.startswith(source)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_wording_not_number_decides_the_indicator():
    assert (
        match_indicator(
            "In the last 12 months have you personally experienced discrimination at work from "
            "manager / team leader or other colleagues?"
        ).id
        == "q16b"
    )
    assert (
        match_indicator(
            "In the last 12 months how many times have you personally experienced harassment, "
            "bullying or abuse at work from managers?"
        ).id
        == "q14b"
    )
    # physical violence and "did you report it" share words with harassment but are not it
    assert (
        match_indicator(
            "In the last 12 months how many times have you personally experienced "
            "physical violence at work from managers?"
        )
        is None
    )
    assert (
        match_indicator(
            "The last time you experienced harassment, bullying or abuse at work, "
            "did you or a colleague report it?"
        )
        is None
    )
    assert question_wording("Q16c_1 - Ethnic background") == ("Q16c_1", "Ethnic background")
    assert match_indicator("Ethnic background") is None


def test_organisational_workbook_values_as_published():
    tidy = readers.read_org_workbook(ORG_BOOK)
    panel = tidy.panel
    assert set(panel["year"]) == {2023}  # from the title cell
    assert set(panel["group"]) == {"all"}
    # Q13a in this file is the harassment-from-patients question: 100 - % Never
    assert _value(panel, "RW5", "q14a")["pct"] == pytest.approx(28.0)
    assert _value(panel, "RW5", "q14a")["base"] == 1000
    assert _value(panel, "RBL", "q16b")["pct"] == pytest.approx(6.25)  # numbered Q17b here
    assert _value(panel, "RX1", "q15")["pct"] == pytest.approx(55.0)  # numbered Q16 here
    # ethnic-minority share = 100 - the four White categories
    assert _value(panel, "RX1", "ethnic_minority_share")["pct"] == pytest.approx(30.0)
    # '-' = not published: missing, never zero, and no base
    missing = _value(panel, "RX2", "q14b")
    assert np.isnan(missing["pct"]) and np.isnan(missing["base"])
    assert np.isnan(_value(panel, "RX2", "q16a")["pct"])
    orgs = tidy.organisations.set_index("ods_code")
    assert orgs.at["RW5", "region"] == "North West"
    assert orgs.at["RBL", "benchmark_group"] == "Acute and Acute & Community Trusts"
    assert len(orgs) == 4  # the blank row is not an organisation


def test_national_workbook_england_by_ethnic_group_and_regions():
    panel = readers.read_national_workbook(NATIONAL_BOOK).panel
    assert _value(panel, "ENG", "q16b", "White", source="national")["pct"] == pytest.approx(6.8)
    assert _value(panel, "ENG", "q16b", "Global Majority", source="national")["pct"] == 15.2
    assert _value(panel, "ENG", "q15", "all", source="national")["base"] == 700000
    assert _value(panel, "region:North West", "q16b", source="national")["pct"] == 8.0
    assert not panel["ods_code"].str.contains("Female").any()  # other breakdowns are not kept


def test_folder_reads_what_it_knows_and_says_what_it_skipped(tmp_path):
    data = read_folder(FOLDER)
    assert sorted(data.read) == sorted(
        [
            ORG_BOOK.name,
            NATIONAL_BOOK.name,
            "compiled_panel_2022_2023.csv",
            "white_vs_bme_2023_by_trust.csv",
        ]
    )
    skipped = dict(data.skipped)
    assert set(skipped) == {"README.md", "notes.csv", "evidence.csv"}
    assert "award evidence" in skipped["evidence.csv"]
    # White / BME rates are fractions in the file, percentages in the panel, named from other files
    gm = _value(data.panel, "RBL", "q16b", "Global Majority", source="White/BME")
    assert gm["pct"] == pytest.approx(16.0) and gm["org_name"].startswith("Wirral")
    # NA and blank in the compiled panel = not published
    rx2 = data.panel[(data.panel["ods_code"] == "RX2") & (data.panel["year"] == 2022)]
    assert rx2["pct"].isna().all() and rx2["base"].isna().all()
    # both files publish 2023 Q16b: one value is kept, the official workbook's
    best = best_values(data.panel)
    kept = best[
        (best["ods_code"] == "RW5")
        & (best["year"] == 2023)
        & (best["indicator"] == "q16b")
        & (best["group"] == "all")
    ]
    assert len(kept) == 1 and kept.iloc[0]["source"].startswith("organisational workbook")


def test_cli_outcomes_tidy(tmp_path):
    out = tmp_path / "panel.csv"
    result = CliRunner().invoke(app, ["outcomes", "tidy", str(FOLDER), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped notes.csv" in result.output and "skipped README.md" in result.output
    panel = pd.read_csv(out)
    assert list(panel.columns) == [
        "ods_code",
        "org_name",
        "year",
        "indicator",
        "group",
        "pct",
        "base",
        "source",
    ]
    assert (tmp_path / "panel_organisations.csv").exists()
    bad = CliRunner().invoke(app, ["outcomes", "tidy", str(tmp_path / "nope"), "--out", str(out)])
    assert bad.exit_code == 2 and "not found" in bad.output


def _copy_book(tmp_path: Path, name: str = ORG_BOOK.name) -> Path:
    path = tmp_path / name
    shutil.copy(ORG_BOOK, path)
    return path


def test_a_bad_cell_names_file_sheet_and_cell(tmp_path):
    path = _copy_book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["HEALTH WELLBEING SAFETY Q16-17"]["N6"] = "about 8"  # RW5's Q17b % Yes
    book.save(path)
    with pytest.raises(InputError) as err:
        readers.read_org_workbook(path)
    text = str(err.value)
    assert path.name in text and "HEALTH WELLBEING SAFETY Q16-17" in text and "N6" in text
    assert "about 8" in text


def test_a_question_without_its_yes_column_is_refused(tmp_path):
    path = _copy_book(tmp_path)
    book = openpyxl.load_workbook(path)
    book["HEALTH WELLBEING SAFETY Q16-17"]["K5"] = "% Agree"  # Q17a's "% Yes" header
    book.save(path)
    with pytest.raises(InputError, match="q16a has no '% yes' column on row 5"):
        readers.read_org_workbook(path)


def test_a_workbook_without_the_header_is_refused_and_skipped_in_a_folder(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "something else"
    book.save(path)
    with pytest.raises(InputError, match="no sheet has the organisational header on row 5"):
        readers.read_org_workbook(path)
    assert (
        "without the NHS Staff Survey header" in dict(read_folder(tmp_path).skipped)["other.xlsx"]
    )
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip file")
    with pytest.raises(InputError, match=r"not a readable \.xlsx workbook"):
        read_folder(tmp_path)


def test_bad_csv_cells_name_row_and_column(tmp_path):
    panel = (FOLDER / "compiled_panel_2022_2023.csv").read_text().splitlines()
    panel[3] = panel[3].replace(",5.9,", ",five,")  # RBL 2022 Discrimination_internal_rate
    (tmp_path / "p.csv").write_text("\n".join(panel) + "\n")
    with pytest.raises(InputError) as err:
        readers.read_compiled_panel(tmp_path / "p.csv")
    assert "row 4" in str(err.value) and "Discrimination_internal_rate" in str(err.value)
    rates = (FOLDER / "white_vs_bme_2023_by_trust.csv").read_text().replace("0.62", "62")
    (tmp_path / "w_2023.csv").write_text(rates)
    with pytest.raises(InputError, match="between 0 and 1"):
        readers.read_white_bme(tmp_path / "w_2023.csv")
    (tmp_path / "w.csv").write_text(rates)
    with pytest.raises(InputError, match="cannot tell the year"):
        readers.read_white_bme(tmp_path / "w.csv")


# --- the real files --------------------------------------------------------------------------


def _official_column(sheet: pd.DataFrame, wording: str) -> int:
    """The column of a question's first option, found by its wording on row 1 (independently of
    the package: a plain pandas read and a substring search)."""
    hits = [j for j, v in enumerate(sheet.iloc[0]) if isinstance(v, str) and wording in v]
    assert len(hits) == 1, hits
    return hits[0]


@needs_real
def test_real_files_reproduce_the_official_2024_values_and_the_panel(tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["outcomes", "tidy", str(REAL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "skipped nw_arf_bronze_public_evidence.csv" in result.output
    panel = pd.read_csv(out, dtype={"ods_code": str})
    north_west = set(pd.read_csv(NW_LIST, dtype=str)["ods_code"].dropna())
    book = REAL / "NSS24_detailed_spreadsheets_organisational_results.xlsx"
    sheet = pd.read_excel(book, sheet_name="HEALTH WELLBEING SAFETY Q15-17", header=None)
    data = sheet.iloc[5:]
    codes = data[0].astype(str)
    wordings = {
        "q15": "act fairly with regard to career progression",
        "q16a": "discrimination at work from patients",
        "q16b": "discrimination at work from manager / team leader",
    }
    official = panel[
        panel["source"].str.startswith("organisational workbook") & (panel["year"] == 2024)
    ]
    checked = 0
    for indicator, wording in wordings.items():
        col = _official_column(sheet, wording)
        assert sheet.iloc[4, col] == "% Yes"
        for code in sorted(north_west & set(codes)):
            expected = float(data.loc[codes == code, col].iloc[0])
            got = official[(official["ods_code"] == code) & (official["indicator"] == indicator)]
            assert len(got) == 1 and abs(got["pct"].iloc[0] - expected) < 0.01, (code, indicator)
            checked += 1
    assert checked >= 3 * 29  # every North West organisation present (29 in 2024)
    compiled = pd.read_csv(REAL / "nss_org_2021_2024_ebmgt.csv", dtype={"ODS code": str})
    compiled = compiled[compiled["ODS code"].isin(north_west)]
    ours = panel[panel["source"].str.startswith("compiled panel") & (panel["indicator"] == "q16b")]
    ours = ours.set_index(["ods_code", "year"])["pct"]
    for row in compiled.itertuples():
        assert abs(ours[(row[1], row.Year)] - row.Discrimination_internal_rate) < 0.01
    assert compiled["Year"].nunique() == 4 and len(compiled) >= 100
    wres = pd.read_csv(REAL / "wres_staffsurvey_white_vs_bme_2024_by_trust.csv")
    in_wres = north_west & set(wres["Trust"])
    split = panel[
        (panel["year"] == 2024)
        & panel["group"].isin(["White", "Global Majority"])
        & panel["ods_code"].isin(north_west)
    ]
    assert in_wres and set(split["ods_code"]) == in_wres
    assert set(split.groupby("ods_code")["group"].nunique()) == {2}
    england = panel[(panel["ods_code"] == "ENG") & (panel["indicator"] == "q16b")].set_index(
        "group"
    )["pct"]
    assert england["White"] == pytest.approx(6.77, abs=0.01)  # README: White 6.77%, others 15.20%
    assert england["Global Majority"] == pytest.approx(15.20, abs=0.01)
