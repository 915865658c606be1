"""A real wave end to end: each example platform export, with only its mapping file and
``mapping:`` in its config, runs ``arf-eval run`` to a full report whose row account covers every
data row; and the same wave run from two folders gives the same report, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.io.mapping import load_mapping
from evaluation.io.platforms import read_platform_table
from evaluation.io.wave import load_wave
from evaluation.pipeline.config import load_config

pytestmark = pytest.mark.slow
EXPORTS = Path(__file__).parent / "data" / "exports"
CASES = {
    "qualtrics.csv": "qualtrics_mapping.yaml",
    "forms.xlsx": "forms_mapping.yaml",
    "spss.sav": "spss_mapping.yaml",
    "smartsurvey.csv": "smartsurvey_mapping.yaml",
}


def wave_folder(root: Path, export: str) -> Path:
    """A wave folder as a user makes one: the export, its mapping and a config naming both."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXPORTS / export, root / export)
    shutil.copy(EXPORTS / CASES[export], root / "mapping.yaml")
    (root / "evaluation.yaml").write_text(
        f"wave: 2025\nsurvey: {export}\nmapping: mapping.yaml\noutput: reports\n"
        "title: Example export wave\npack_min_respondents: 10\n",
        encoding="utf-8",
    )
    return root


def data_rows(export: str) -> int:
    """The export's data rows, read independently of the report (header rows not counted)."""
    fmt = load_mapping(EXPORTS / CASES[export]).format
    return len(read_platform_table(EXPORTS / export, fmt).cells)


@pytest.mark.parametrize("export", sorted(CASES))
def test_each_platform_export_runs_to_a_full_report(tmp_path, export):
    folder = wave_folder(tmp_path / "wave", export)
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", str(folder)])
    assert validated.exit_code == 0, validated.output
    result = runner.invoke(
        app, ["run", "--config", str(folder / "evaluation.yaml"), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    report = folder / "reports" / "2025" / "region"
    assert (report / "report.html").exists()
    manifest = json.loads((report / "manifest.json").read_text())
    account = manifest["row_account"]
    assert account["rows_read"] == data_rows(export)  # every data row accounted for
    assert account["analysed"] + account["excluded"] == account["rows_read"]
    assert account["analysed"] == 40
    if export == "qualtrics.csv":  # the Survey Preview row is excluded, with its reason
        assert account["excluded_by_reason"] == {
            "survey preview, test or spam response (Qualtrics Status)": 1
        }
    row_account = (report / "tables" / "row_account.csv").read_text(encoding="utf-8-sig")
    assert "40" in row_account
    assert manifest["parameters"]["mapping"] == "mapping.yaml"


def test_a_forgotten_answer_label_is_one_message_and_refuses_the_run(tmp_path):
    folder = wave_folder(tmp_path / "wave", "forms.xlsx")
    mapping = (folder / "mapping.yaml").read_text(encoding="utf-8")
    (folder / "mapping.yaml").write_text(
        mapping.replace(
            "Neutral: Neither agree nor disagree", "Neutrall: Neither agree nor disagree"
        ),
        encoding="utf-8",
    )
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", str(folder)])
    assert validated.exit_code == 1
    lines = [line for line in validated.output.splitlines() if "'Neutral'" in line]
    # one line per question asking it, each with its count of rows, not one line a row
    assert lines and all("rows:" in line for line in lines)
    assert len(lines) <= 8
    config = load_config(folder / "evaluation.yaml")
    with pytest.raises(Exception, match="max_excluded_share"):
        load_wave(config)


def _comparable(report: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(p for p in report.rglob("*") if p.is_file()):
        key = path.relative_to(report).as_posix()
        if key == "manifest.json":
            manifest = json.loads(path.read_text())
            manifest.pop("timings_seconds")
            files[key] = json.dumps(manifest, sort_keys=True).encode()
        elif key.startswith("notebooks/"):
            continue  # executed notebooks carry run times (papermill's cell metadata)
        else:
            files[key] = path.read_bytes()
    return files


def test_the_same_wave_from_two_folders_gives_identical_reports(tmp_path):
    first = wave_folder(tmp_path / "alice" / "wave", "qualtrics.csv")
    second = wave_folder(tmp_path / "bob" / "deeper" / "elsewhere", "qualtrics.csv")
    runner = CliRunner()
    for folder in (first, second):
        result = runner.invoke(
            app, ["run", "--config", str(folder / "evaluation.yaml"), "--no-progress"]
        )
        assert result.exit_code == 0, result.output
    a = _comparable(first / "reports" / "2025" / "region")
    b = _comparable(second / "reports" / "2025" / "region")
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
    manifest = (first / "reports" / "2025" / "region" / "manifest.json").read_text()
    assert str(tmp_path) not in manifest and str(tmp_path) not in a["report.html"].decode()
