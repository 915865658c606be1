"""End to end: the real notebooks run through papermill on a small synthetic wave.

One module-scoped run builds a report; the tests then check what a commissioner relies on: every
section in one HTML page with no code, tables that pass the disclosure audit, a manifest, identical
tables and figures from a second run, and a loud, safe failure on broken input.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluation.audit import audit_report
from evaluation.errors import InputError, PipelineError
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.config import load_config
from evaluation.pipeline.run import report_notebooks, run_report
from evaluation.synth import generate_wave

pytestmark = pytest.mark.slow
START_DIR = os.getcwd()


def _config(folder: Path, wave_dir: Path, reports: Path) -> Path:
    path = folder / "evaluation.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "wave": 2025,
                "survey": str(wave_dir / "survey.csv"),
                "focus_group": str(wave_dir / "focus_group"),
                "codebook": str(SURVEY_DATA / "codebook.yaml"),
                "min_cell": 11,
                "pack_min_respondents": 40,
                "output": str(reports),
            }
        )
    )
    return path


# Personal data of every kind the redaction must remove, seeded into free text and a transcript.
SEEDED = {
    "email": "jane.doe@nhs.net",
    "phone": "07700 900123",
    "nhs_number": "943 476 5919",
    "postcode": "M13 9PL",
    "staff_number": "payroll number 4456781",
    "url": "https://intranet.example.nhs.uk/racism-report",
    "name": "my manager Bernadette Okonkwo",
}
NEEDLES = ["jane.doe", "07700", "943 476 5919", "9434765919", "M13 9PL", "4456781",
           "intranet.example", "Bernadette", "Okonkwo"]  # fmt: skip


def _seed_personal_data(wave_dir: Path) -> None:
    """Put every kind of personal data into three answers and a final transcript turn."""
    survey = wave_dir / "survey.csv"
    frame = pd.read_csv(survey, dtype=str, keep_default_na=False)
    sentence = "Contact " + ", ".join(SEEDED.values()) + "."
    frame.loc[:2, "comment_other"] = sentence
    frame.to_csv(survey, index=False, lineterminator="\n")
    transcript = wave_dir / "focus_group" / "focus_group_01.txt"
    text = transcript.read_text(encoding="utf-8")
    transcript.write_text(text.rstrip("\n") + f"\n[02:59:00] P01: {sentence}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def small_wave(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wave")
    wave = generate_wave(wave=2025, respondents=160, seed=7, out=root / "2025")
    _seed_personal_data(wave)
    return wave


@pytest.fixture(scope="module")
def first_run(small_wave, tmp_path_factory):
    root = tmp_path_factory.mktemp("run1")
    config = load_config(_config(root, small_wave, root / "reports"))
    return run_report(config, progress=False)


def test_report_has_every_section_and_no_code(first_run):
    html = (first_run.output_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('id="section-') == len(report_notebooks())
    assert "Contents" in html and "Parameters" in html
    assert "from evaluation" not in html  # no code cells
    assert "data:image/png;base64" in html  # figures embedded: a single file
    assert "Table 1.1" in html and "Figure 1.1" in html


def test_a_run_leaves_the_callers_working_directory_alone(first_run):
    # papermill changes the driving process's directory; notebooks run side by side must not
    # leave the caller somewhere else (relative paths elsewhere would silently break)
    assert os.getcwd() == START_DIR


def test_outputs_and_manifest(first_run):
    out = first_run.output_dir
    assert (out / "tables" / "awareness_by_role_level.csv").exists()
    assert list((out / "figures").glob("*.png")) and list((out / "figures").glob("*.svg"))
    assert not (out / "_work").exists()  # respondent-level cache never published
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_account"]["rows_read"] == 160
    assert all(len(h) == 64 for h in manifest["inputs"].values())
    assert set(manifest["timings_seconds"]) >= {p.stem for p in report_notebooks()}
    assert audit_report(out, min_cell=11) == []


def _file_texts(folder: Path):
    """The text of every file under a report folder (zip members and Parquet tables included)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".png":
            continue
        if path.suffix == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path}:{member}", archive.read(member).decode("utf-8", "replace")
        elif path.suffix == ".parquet":
            yield str(path), pd.read_parquet(path).to_csv()
        else:
            yield str(path), path.read_bytes().decode("utf-8", "replace")


def test_no_personal_data_reaches_any_output_file(first_run):
    found = [
        (where, needle)
        for where, text in _file_texts(first_run.output_dir)
        for needle in NEEDLES
        if needle in text
    ]
    assert found == []
    manifest = json.loads((first_run.output_dir / "manifest.json").read_text())
    counted = manifest["redactions"]["by_type"]
    assert all(counted[kind] >= 4 for kind in SEEDED), counted  # 3 answers + 1 turn each


def test_two_runs_give_identical_reports(first_run, small_wave, tmp_path):
    """Same inputs, same report: tables, figures, executed notebooks and the page itself."""
    config = load_config(_config(tmp_path, small_wave, tmp_path / "reports"))
    second = run_report(config, progress=False).output_dir
    first = first_run.output_dir
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()
    for kind in ("tables", "figures", "notebooks"):
        names = sorted(p.name for p in (first / kind).iterdir())
        assert names == sorted(p.name for p in (second / kind).iterdir())
        for name in names:
            assert (first / kind / name).read_bytes() == (second / kind / name).read_bytes(), name


def test_broken_input_fails_loudly_and_keeps_the_previous_report(first_run, small_wave, tmp_path):
    reports = first_run.output_dir.parents[1]
    before = (first_run.output_dir / "report.html").read_bytes()
    broken = tmp_path / "broken"
    shutil.copytree(small_wave, broken)
    lines = (broken / "survey.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("arf_aware", "arf_awareness")  # a renamed column
    (broken / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(_config(tmp_path, broken, reports))
    with pytest.raises(InputError, match="arf_aware"):
        run_report(config, progress=False)
    assert (first_run.output_dir / "report.html").read_bytes() == before


def test_failing_cell_names_notebook_and_cell(first_run, small_wave, tmp_path):
    import nbformat

    book = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("config = ''\nscope = 'region'\nscope_value = ''")
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [parameters, nbformat.v4.new_code_cell("raise RuntimeError('planted failure')")]
    book.metadata["kernelspec"] = {"name": "arf-eval", "display_name": "ARF", "language": "python"}
    notebook = tmp_path / "99_broken.ipynb"
    nbformat.write(book, str(notebook))
    reports = first_run.output_dir.parents[1]
    before = (first_run.output_dir / "report.html").read_bytes()
    config = load_config(_config(tmp_path, small_wave, reports))
    with pytest.raises(PipelineError, match=r"99_broken.ipynb failed at cell 2 .*planted failure"):
        run_report(config, notebooks=[notebook], progress=False)
    assert (first_run.output_dir / "report.html").read_bytes() == before
    assert (first_run.output_dir.with_name("region.failed") / "notebooks").exists()


def test_a_misspelt_parameter_is_an_error_before_anything_runs(first_run, small_wave, tmp_path):
    reports = first_run.output_dir.parents[1]
    before = (first_run.output_dir / "report.html").read_bytes()
    config = load_config(_config(tmp_path, small_wave, reports))
    with pytest.raises(PipelineError, match=r"01_data_quality.ipynb does not declare .*data_dirr"):
        run_report(config, progress=False, extra_parameters={"data_dirr": str(tmp_path)})
    assert (first_run.output_dir / "report.html").read_bytes() == before


def test_a_notebook_run_by_hand_writes_to_scratch_not_the_report(first_run, small_wave, tmp_path):
    """By hand (JupyterLab, papermill), smaller min_cell: the published report is untouched."""
    import papermill as pm

    from evaluation.paths import NOTEBOOKS
    from evaluation.pipeline.run import KERNEL_NAME, ipc_kernel_manager

    published = first_run.output_dir / "tables"
    before = {p.name: p.read_bytes() for p in published.iterdir()}
    config = _config(tmp_path, small_wave, first_run.output_dir.parents[1])
    pm.execute_notebook(  # as a user would, without the pipeline (and its run folder)
        str(NOTEBOOKS / "02_awareness_by_seniority.ipynb"),
        str(tmp_path / "by_hand.ipynb"),
        parameters={"config": str(config), "min_cell": 5},
        kernel_name=KERNEL_NAME,
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        kernel_manager_class=ipc_kernel_manager(str(tmp_path)),  # no TCP port races in CI
    )
    assert {p.name: p.read_bytes() for p in published.iterdir()} == before
    scratch = tmp_path / "scratch" / "region" / "tables"
    assert (scratch / "awareness_by_role_level.csv").exists()
    assert "Scratch run" in (tmp_path / "by_hand.ipynb").read_text(encoding="utf-8")
