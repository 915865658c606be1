"""The themes/ folder (QDA project, codebooks, segment tables, codes by case); coding alignment."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sklearn.metrics import cohen_kappa_score
from test_refi_qda import TRANSCRIPT, _frames

from evaluation.errors import InputError
from evaluation.paths import CODEBOOK, SURVEY_DATA
from evaluation.text.exports import (
    align_codings,
    codes_by_case,
    read_theme_file,
    tidy_segments,
    write_codebook_yaml,
    write_theme_exports,
)
from evaluation.text.refi_qda import SEGMENT_COLUMNS, QdaCodebook, QdaProject


def _write(folder: Path) -> dict[str, Path]:
    return write_theme_exports(folder, **_frames(), version="1.0", project_name="ARF wave 2025")


def test_theme_folder_holds_every_export_and_is_reproducible(tmp_path: Path) -> None:
    paths = _write(tmp_path / "one")
    names = {p.name for p in (tmp_path / "one" / "themes").iterdir()}
    assert names == {
        "project.qdpx",
        "codebook.qdc",
        "codebook.yaml",
        "coded_segments.csv",
        "coded_segments.parquet",
        "codes_by_case.csv",
    }
    again = _write(tmp_path / "two")
    for key, path in paths.items():
        assert path.read_bytes() == again[key].read_bytes(), key
    assert isinstance(read_theme_file(paths["qdpx"]), QdaProject)
    assert isinstance(read_theme_file(paths["qdc"]), QdaCodebook)
    with pytest.raises(InputError, match=r"expected a \.qdpx"):
        read_theme_file(paths["csv"])


def test_segment_tables_carry_the_contract_columns_and_exact_text(tmp_path: Path) -> None:
    paths = _write(tmp_path)
    expected = tidy_segments(_frames()["segments"])
    from_csv = pd.read_csv(
        paths["csv"], dtype={"codebook_version": "string"}, keep_default_na=False
    )
    from_parquet = pd.read_parquet(paths["parquet"])
    for table in (from_csv, from_parquet):
        assert list(table.columns) == SEGMENT_COLUMNS
        assert table["text"].tolist() == expected["text"].tolist()
        assert table["start"].tolist() == expected["start"].tolist()
    # CRLF inside a passage survives the CSV, and offsets still find the passage in the source.
    assert "reports go nowhere 🙄.\r\n" in from_csv["text"].tolist()
    for row in from_parquet.itertuples():
        if row.source_id == "fg_2025_01":
            assert TRANSCRIPT[row.start : row.end] == row.text
    assert str(from_parquet["start"].dtype) == "Int64"


def test_codes_by_case_is_one_row_per_case_with_0_1_code_columns() -> None:
    frames = _frames()
    table = codes_by_case(
        frames["segments"], frames["codebook"], frames["cases"], frames["sources"]
    )
    assert table["case_id"].tolist() == ["P01", "P02", "R0042"]
    assert list(table.columns[-4:]) == list(frames["codebook"]["code_id"])
    assert "role_level" in table.columns
    codes = table.set_index("case_id")[list(frames["codebook"]["code_id"])]
    assert codes.loc["P01"].tolist() == [0, 1, 0, 0]
    assert codes.loc["P02"].tolist() == [0, 0, 0, 1]  # two segments, one code: still 1
    assert codes.loc["R0042"].tolist() == [0, 0, 1, 0]
    # A case with no coded passage appears with zeros.
    more = pd.concat([frames["cases"], pd.DataFrame({"case_id": ["P09"]})], ignore_index=True)
    table = codes_by_case(frames["segments"], frames["codebook"], more).set_index("case_id")
    assert table.loc["P09", list(frames["codebook"]["code_id"])].sum() == 0


def test_codebook_yaml_keeps_ids_lists_and_version(tmp_path: Path) -> None:
    codebook = _frames()["codebook"].assign(include=["a | b", "", "c", "d"])
    path = write_codebook_yaml(tmp_path / "codebook.yaml", codebook, "1.0", {"acting": "Acting"})
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["version"] == "1.0"
    assert document["principles"] == {"acting": "Acting"}
    first = document["codes"][0]
    assert first["id"] == "awareness" and first["parent"] is None and first["include"] == ["a", "b"]
    assert document["codes"][1]["include"] == []
    assert "principle" not in document["codes"][2]  # missing values are left out


@pytest.mark.skipif(
    importlib.util.find_spec("evaluation.text.codebook") is None
    or not (SURVEY_DATA / "codebook.yaml").exists(),
    reason="needs evaluation.text.codebook and survey_data/codebook.yaml",
)
def test_codebook_yaml_reads_back_with_load_codebook(tmp_path: Path) -> None:
    from evaluation.text.codebook import load_codebook

    codebook = load_codebook(CODEBOOK)
    path = write_codebook_yaml(
        tmp_path / "codebook.yaml", codebook.to_frame(), codebook.version, codebook.principles
    )
    again = load_codebook(path)
    assert again.version == codebook.version
    pd.testing.assert_frame_equal(again.to_frame(), codebook.to_frame())


def _coding(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source_id", "code_id"])


def test_align_codings_gives_presence_per_unit_and_code() -> None:
    workbench = _coding([("s1", "a"), ("s1", "a"), ("s2", "b")])
    nvivo = _coding([("s1", "a"), ("s3", "b")])
    units = pd.DataFrame({"source_id": ["s1", "s2", "s3", "s4"]})
    aligned = align_codings({"workbench": workbench, "nvivo": nvivo}, codes=["a", "b"], units=units)
    assert list(aligned.columns) == ["source_id", "code_id", "workbench", "nvivo"]
    assert len(aligned) == 8  # 4 units x 2 codes, s4 coded by nobody: agreement on absence
    cells = aligned.set_index(["source_id", "code_id"])
    assert cells.loc[("s1", "a")].tolist() == [1, 1]
    assert cells.loc[("s2", "b")].tolist() == [1, 0]
    assert cells.loc[("s3", "b")].tolist() == [0, 1]
    assert cells.loc[("s4", "a")].tolist() == [0, 0]
    with pytest.raises(InputError, match="at least two"):
        align_codings({"one": workbench})


def test_imported_human_codings_align_with_the_workbench_for_kappa(tmp_path: Path) -> None:
    """Round trip through a .qdpx, then compare coders; kappa checked against scikit-learn's."""
    frames = _frames()
    project = read_theme_file(_write(tmp_path)["qdpx"], codebook=frames["codebook"])
    segments = project.segments
    by_coder = {coder: group for coder, group in segments.groupby("coder")}
    aligned = align_codings(
        by_coder,
        by=("source_id", "speaker_or_respondent"),
        codes=list(frames["codebook"]["code_id"]),
    )
    # Units: P01 and P02 in the transcript, R0042's answer; 4 codes each.
    assert len(aligned) == 12
    cells = aligned.set_index(["speaker_or_respondent", "code_id"])
    assert cells.loc[("P02", "low_reporting_confidence"), ["amina", "rules"]].tolist() == [1, 1]
    assert cells.loc[("R0042", "reporting"), ["amina", "rules"]].tolist() == [0, 1]
    # Cohen's kappa by hand from the 2x2 table, against scikit-learn's (independent) implementation.
    a, b = aligned["amina"], aligned["rules"]
    observed = (a == b).mean()
    expected = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    assert cohen_kappa_score(a, b) == pytest.approx((observed - expected) / (1 - expected))
