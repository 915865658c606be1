"""The restricted ``themes/`` tier: no file rebuilds a cell the report hides, every count in it is
suppressed, every CSV in it (and every CSV ``import-themes`` writes) is formula-safe and reads
back exactly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evaluation.cli import app
from evaluation.disclosure import MARKER, audit_table
from evaluation.inputs import prepare_inputs
from evaluation.io.survey import load_survey
from evaluation.paths import SURVEY_DATA
from evaluation.safe_output import _TRIGGERS, read_csv_restored, restore_cell
from evaluation.text.codebook import load_codebook
from evaluation.text.framework import themes_by_attribute
from evaluation.text.segments import answer_units, segments_to_units
from evaluation.themes import (
    RESPONDENT_ATTRIBUTE,
    build_theme_project,
    publish_restricted,
    topics_table,
)

WAVE = SURVEY_DATA / "synthetic" / "2025"
CODEBOOK = SURVEY_DATA / "codebook.yaml"
HOSTILE = [
    '=HYPERLINK("http://x","click") nothing happens when you report racism',
    "- the rota never leaves time for the anti-racism training, it gets dropped",
    "+1 to that: nobody is asked why the WRES figures don't move",
    "@everyone the submission process is confusing",
    "\tnobody tells you what happened after you report it",
]


@pytest.fixture(scope="module")
def prepared():
    loaded = load_survey(WAVE, on_error="exclude")
    return prepare_inputs(loaded, WAVE / "focus_group")


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_every_themes_csv_is_formula_safe_and_reads_back_exactly(prepared, tmp_path) -> None:
    survey = prepared.survey.frame.copy()
    survey.loc[: len(HOSTILE) - 1, "comment_other"] = HOSTILE
    project = build_theme_project(
        load_codebook(CODEBOOK), survey, prepared.turns, prepared.sources, prepared.codings
    )
    written = project.write(tmp_path, project_name="hostile", max_free_text_sources=50)
    csvs = sorted((tmp_path / "themes").glob("*.csv"))
    assert {p.name for p in csvs} >= {"coded_segments.csv", "codes_by_case.csv",
                                      "qdpx_sampling_frame.csv", "qdpx_sample.csv"}  # fmt: skip
    for path in csvs:
        risky = [c for c in _cells(path) if c.startswith(_TRIGGERS) and restore_cell(c) == c]
        assert risky == [], path.name
    segments = read_csv_restored(written["csv"], dtype=str, keep_default_na=False)
    hostile = segments[segments["text"].isin(HOSTILE)]
    assert set(hostile["text"]) >= set(HOSTILE[:2])  # coded by the rules, so exported
    sources = dict(zip(project.sources["source_id"], project.sources["text"], strict=True))
    for row in hostile.itertuples(index=False):
        assert sources[row.source_id][int(row.start) : int(row.end)] == row.text


def test_import_themes_writes_formula_safe_csvs(prepared, tmp_path) -> None:
    survey = prepared.survey.frame.copy()
    survey.loc[: len(HOSTILE) - 1, "comment_other"] = HOSTILE
    project = build_theme_project(load_codebook(CODEBOOK), survey)
    paths = project.write(tmp_path / "export", project_name="hostile", subfolder="")
    result = CliRunner().invoke(
        app, ["import-themes", str(paths["qdpx"]), "--out", str(tmp_path / "back")]
    )
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "back").glob("*.csv"):
        risky = [c for c in _cells(path) if c.startswith(_TRIGGERS) and restore_cell(c) == c]
        assert risky == [], path.name
    sources = read_csv_restored(tmp_path / "back" / "sources.csv", dtype=str, keep_default_na=False)
    assert set(HOSTILE) <= set(sources["text"])  # read back as written


@pytest.mark.parametrize("min_cell", [2, 11])
def test_codes_by_case_rebuilds_no_hidden_themes_by_role_cell(prepared, tmp_path, min_cell) -> None:
    """The red team's attack: sum codes_by_case.csv by role and compare with the published
    themes-by-role table. Every shown group must give only shown cells; the withheld cases
    together must never isolate a single hidden cell of a theme."""
    survey = prepared.survey.frame
    codebook = load_codebook(CODEBOOK)
    project = build_theme_project(
        codebook, survey, prepared.turns, prepared.sources, prepared.codings, min_cell=min_cell
    )
    written = project.write(tmp_path, project_name="attack")
    cases = pd.read_csv(written["codes_by_case"], encoding="utf-8-sig", dtype={"role_level": str})
    answers = answer_units(survey)
    respondents = cases[cases["case_id"].isin(set(answers["speaker_or_respondent"]))]
    writers = survey.loc[survey["respondent_id"].isin(respondents["case_id"]),
                         ["respondent_id", RESPONDENT_ATTRIBUTE]].rename(
        columns={"respondent_id": "speaker_or_respondent"})  # fmt: skip
    rules = project.segments[project.segments["coder"] == "rules"]
    published = themes_by_attribute(
        segments_to_units(rules, answers), answers, writers, RESPONDENT_ATTRIBUTE,
        codebook.leaf_ids, min_cell=min_cell,
    )  # fmt: skip
    hidden = published["count"].astype(str) == MARKER
    shown_groups = set(respondents["role_level"].dropna())
    assert not any(c in respondents.columns for c in ("ethnicity_group", "org_type")) or (
        respondents[["ethnicity_group", "org_type"]].isna().all().all()
    )
    for group in shown_groups:  # every cell of a shown group is published, and equal
        rows = published[published[RESPONDENT_ATTRIBUTE] == group].set_index("code_id")
        assert not hidden[published[RESPONDENT_ATTRIBUTE] == group].any()
        members = respondents[respondents["role_level"] == group]
        for code in codebook.leaf_ids:
            assert int(members[code].sum()) == int(rows.loc[code, "count"])
    withheld_groups = set(published[RESPONDENT_ATTRIBUTE].astype(str)) - shown_groups
    for code in codebook.leaf_ids:
        withheld = published[RESPONDENT_ATTRIBUTE].astype(str).isin(withheld_groups)
        column = published[(published["code_id"] == code) & withheld]
        assert (column["count"].astype(str) == MARKER).sum() != 1, code
    if min_cell == 2:  # the rule does not simply withhold everything
        assert shown_groups


def test_candidate_topics_counts_are_suppressed_with_a_second_cell() -> None:
    topics = pd.DataFrame(
        {"topic": [1, 2, 3, 4], "n_passages": [80, 40, 25, 5], "top_terms": "a, b",
         "uncoded_share": [10.0, 20.0, 40.0, 60.0], "quotes": "q"}
    )  # fmt: skip
    table = topics_table(topics, 11)
    assert table["n_passages"].tolist() == [80, 40, MARKER, MARKER]
    assert table["uncoded_share"].tolist()[2:] == [MARKER, MARKER]
    assert audit_table(table) == []


def test_publish_restricted_refuses_an_unsafe_count_and_indexes_what_it_writes(tmp_path) -> None:
    from types import SimpleNamespace

    rep = SimpleNamespace(output_dir=tmp_path, min_cell=11)
    table = topics_table(pd.DataFrame({"topic": [1, 2], "n_passages": [80, 40],
                                       "top_terms": "x", "uncoded_share": 1.0}), 11)  # fmt: skip
    path = publish_restricted(rep, table, "candidate_themes", "topics")  # type: ignore[arg-type]
    assert path == tmp_path / "themes" / "candidate_themes.csv"
    unsafe = table.copy()
    unsafe.loc[1, "n_passages"] = 3  # as if edited after suppression
    with pytest.raises(ValueError, match="not safe"):
        publish_restricted(rep, unsafe, "bad", "edited")  # type: ignore[arg-type]
    assert not (tmp_path / "themes" / "bad.csv").exists()
    import json

    index = json.loads((tmp_path / "themes" / "index.json").read_text())
    assert set(index) == {"candidate_themes"} and index["candidate_themes"]["disclosure"]
    # the report audit reads the declared structure: an edited file is caught
    from evaluation.audit import audit_report

    (tmp_path / "tables").mkdir()
    pd.DataFrame({"group": ["a"], "n": [50]}).to_csv(tmp_path / "tables" / "t.csv", index=False)
    assert audit_report(tmp_path) == []
    edited = pd.read_csv(path, encoding="utf-8-sig").assign(n_passages=[80, 3])
    edited.to_csv(path, index=False)
    assert any("n_passages = 3" in p.message for p in audit_report(tmp_path))


def test_notebook_05_writes_only_through_the_publisher() -> None:
    """No hand-written suppression and no direct writes in notebook 05's code: tables go through
    rep.table, figures rep.figure, themes/ files publish_restricted or the project's writer."""
    import json

    from evaluation.paths import NOTEBOOKS

    notebook = json.loads((NOTEBOOKS / "05_thematic_coding.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    text = "\n".join(code)
    for forbidden in ("to_csv", "[c]", "MARKER", "to_parquet", "open(", "write_text", "mkdir"):
        assert forbidden not in text, forbidden
    assert "[c]" not in json.dumps(notebook)  # not even in its prose
    assert text.count("publish_restricted(") == 4  # the four files once written by hand
    assert max(len(c.splitlines()) for c in code[1:]) <= 10  # thin cells


def test_import_themes_refuses_before_creating_its_out_folder(tmp_path: Path) -> None:
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"not a zip archive")
    out = tmp_path / "made" / "imported"
    result = CliRunner().invoke(app, ["import-themes", str(bad), "--out", str(out)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not out.exists() and not out.parent.exists()
